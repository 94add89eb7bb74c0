package io.darner.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.darner.processors.store.TaskStore;
import io.darner.processors.store.UserStore;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The one server every REST test class talks to: the whole application on a random port, with
 * a fresh H2 database, cluster secret and supernode store in a temporary directory, and the
 * embedded supernode on a free loopback port. All subclasses share this configuration, so
 * Spring starts the server once for the whole suite.
 *
 * <p>The data directory is made here, not with JUnit's {@code @TempDir}: a {@code @TempDir} is
 * deleted when its test class ends, while the shared server outlives every class. It is deleted
 * when the Spring context closes, after every other bean (database pool, supernode) is gone.
 */
@SpringBootTest(classes = DarnerServer.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
@Import(RestTestBase.DataDirCleanup.class)
abstract class RestTestBase {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String ADMIN_PASSWORD = "admin-" + UUID.randomUUID();
    static final Path DATA_DIR = newDataDir();
    static final Duration TASK_WAIT = Duration.ofSeconds(60);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static volatile String adminToken;

    @LocalServerPort
    int port;
    @Autowired
    JdbcTemplate jdbc;
    @Autowired
    TaskStore taskStore;
    @Autowired
    UserStore userStore;

    @DynamicPropertySource
    static void serverProperties(DynamicPropertyRegistry registry) {
        registry.add("darner.data-dir", DATA_DIR::toString);
        registry.add("darner.routes-dir", () -> DATA_DIR.resolve("routes.d").toString());
        registry.add("darner.supernode.listen", () -> "127.0.0.1:0");
        registry.add("darner.bootstrap.admin-password", () -> ADMIN_PASSWORD);
    }

    private static Path newDataDir() {
        try {
            Path dir = Files.createTempDirectory("darner-rest-test-");
            Files.createDirectories(dir.resolve("routes.d"));
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @BeforeEach
    void loginOnce() throws Exception {
        if (adminToken == null) {
            Res r = post("/auth/login", null, "{\"username\":\"admin\",\"password\":\"" + ADMIN_PASSWORD + "\"}");
            assertThat(r.status()).as(r.toString()).isEqualTo(200);
            adminToken = r.json().path("token").asText();
        }
    }

    String admin() {
        return adminToken;
    }

    // ---- HTTP

    /** A response: status, raw body, and the body as JSON (null if empty). */
    record Res(int status, String body, HttpResponse<String> raw) {
        JsonNode json() {
            try {
                return body == null || body.isEmpty() ? null : JSON.readTree(body);
            } catch (IOException e) {
                throw new AssertionError("response body is not JSON: " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    String base() {
        return "http://127.0.0.1:" + port + "/api/v1";
    }

    Res get(String path, String token) {
        return send(request(path, token).GET());
    }

    Res post(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json")
                .POST(json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json)));
    }

    Res put(String path, String token, String json) {
        return send(request(path, token).header("Content-Type", "application/json").PUT(HttpRequest.BodyPublishers.ofString(json)));
    }

    Res delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    Res postJson(String path, String token, Object body) {
        try {
            return post(path, token, JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpRequest.Builder request(String path, String token) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base() + path)).timeout(Duration.ofSeconds(30));
        if (token != null) b.header("Authorization", "Bearer " + token);
        return b;
    }

    static Res send(HttpRequest.Builder b) {
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new Res(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A bearer token of {@code username} with {@code role}, made directly in the store (the user is created if missing). */
    String tokenOf(String username, String role) {
        Long exists = jdbc.queryForObject("select count(*) from users where username = ?", Long.class, username);
        if (exists == 0) userStore.create(username, "pw-" + UUID.randomUUID(), role);
        return userStore.issueToken(username, "rest-test", 0);
    }

    // ---- tasks

    /** A task request to {@code nodes} (no room: the default one) that starts a day from now, so nothing runs. */
    static Map<String, Object> laterTask(String source, String... nodes) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("source", source);
        m.put("nodes", Stream.of(nodes).map(n -> Map.of("id", n)).toList());
        m.put("target", "/opt/darner-test/{node}/app.bin");
        m.put("startAt", Instant.now().plus(Duration.ofDays(1)).truncatedTo(ChronoUnit.SECONDS).toString());
        return m;
    }

    /** Creates a task (asserting 201) and returns its JSON view. */
    JsonNode create(Map<String, Object> request) {
        Res r = postJson("/tasks", admin(), request);
        assertThat(r.status()).as(r.toString()).isEqualTo(201);
        return r.json();
    }

    JsonNode task(String id) {
        Res r = get("/tasks/" + id, admin());
        assertThat(r.status()).as(r.toString()).isEqualTo(200);
        return r.json();
    }

    /**
     * Polls GET /tasks/{id} until {@code done} holds, at most {@code within}; returns that view.
     * A task that finishes without {@code done} holding fails at once.
     */
    JsonNode awaitTask(String id, Duration within, Predicate<JsonNode> done) {
        AtomicReference<JsonNode> last = new AtomicReference<>();
        try {
            Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(100)).until(() -> {
                last.set(task(id));
                return done.test(last.get()) || finished(last.get());
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("task " + id + " did not reach the expected state within " + within + "; last view: " + last.get()
                    + "; events: " + get("/tasks/" + id + "/events", admin()).body(), e);
        }
        if (!done.test(last.get())) {
            throw new AssertionError("task " + id + " ended without reaching the expected state: " + last.get()
                    + "; events: " + get("/tasks/" + id + "/events", admin()).body());
        }
        return last.get();
    }

    static boolean finished(JsonNode task) {
        return List.of("SUCCEEDED", "PARTIAL", "FAILED", "STOPPED").contains(task.path("state").asText());
    }

    // ---- database

    long count(String table) {
        return jdbc.queryForObject("select count(*) from " + table, Long.class);
    }

    /** What a refused request must not change: the rows a task create, cluster or file write would add. */
    record Snapshot(long tasks, long taskNodes, long clusters, long clusterNodes, long files, long creates) {}

    Snapshot snapshot() {
        return new Snapshot(count("tasks"), count("task_nodes"), count("clusters"), count("cluster_nodes"), count("file_versions"),
                jdbc.queryForObject("select count(*) from audit_log where outcome = 'ok' and action like '%:create'", Long.class));
    }

    /** Asserts a 4xx answer in the API's error shape that names {@code field} and says how to fix it. */
    static JsonNode assertRefused(Res r, int status, String field) {
        assertThat(r.status()).as(r.toString()).isEqualTo(status);
        assertThat(r.raw().headers().firstValue("Content-Type")).hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
        JsonNode body = r.json();
        assertThat(body.path("status").asInt()).as(r.toString()).isEqualTo(status);
        assertThat(body.path("error").asText()).as(r.toString()).isNotBlank();
        assertThat(body.path("field").asText()).as(r.toString()).isEqualTo(field);
        assertThat(body.path("fix").asText()).as(r.toString()).isNotBlank();
        return body;
    }

    /** Deletes the data directory once every bean that uses it (database pool, supernode) has been destroyed. */
    @TestConfiguration(proxyBeanMethods = false)
    static class DataDirCleanup {
        @Bean
        static DisposableBean darnerTestDataDirCleanup(ConfigurableListableBeanFactory beans) {
            DisposableBean cleanup = () -> deleteTree(DATA_DIR);
            for (String name : beans.getBeanDefinitionNames()) {
                if (!name.equals("darnerTestDataDirCleanup")) beans.registerDependentBean("darnerTestDataDirCleanup", name);
            }
            return cleanup;
        }

        private static void deleteTree(Path dir) {
            try (Stream<Path> s = Files.walk(dir)) {
                s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                // best effort: the directory is under the system temp dir
            }
        }
    }
}
