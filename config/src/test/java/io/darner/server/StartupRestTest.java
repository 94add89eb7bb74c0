package io.darner.server;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A server starting from nothing: from the first moment the API answers, the bootstrap
 * administrator can log in (the demo and scripts log in as soon as health answers). This is the
 * one test with a server of its own, since it must watch the start.
 */
class StartupRestTest {
    @TempDir
    Path dir;
    CompletableFuture<ConfigurableApplicationContext> server;

    @AfterEach
    void stop() {
        if (server != null) server.thenAccept(ConfigurableApplicationContext::close).exceptionally(failedToStart -> null).join();
    }

    @Test
    void theAdministratorCanLogInAsSoonAsHealthAnswers() throws Exception {
        int port = freePort();
        server = CompletableFuture.supplyAsync(() -> new SpringApplicationBuilder(DarnerServer.class).listeners(new RoutesDir()).run(
                "--server.port=" + port, "--darner.data-dir=" + dir.resolve("data"), "--darner.supernode.listen=127.0.0.1:0",
                "--darner.routes-dir=" + dir.resolve("routes.d"), "--darner.bootstrap.admin-password=first-start",
                "--spring.main.banner-mode=off"));
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://127.0.0.1:" + port + "/api/v1";
        Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(20)).ignoreExceptions()
                .failFast("the server failed to start", server::isCompletedExceptionally)
                .until(() -> http.send(HttpRequest.newBuilder(URI.create(base + "/health")).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200);
        HttpResponse<String> login = http.send(HttpRequest.newBuilder(URI.create(base + "/auth/login"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"username\":\"admin\",\"password\":\"first-start\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(login.statusCode()).as(login.body()).isEqualTo(200);
        assertThat(server.get().isRunning()).isTrue();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }
}
