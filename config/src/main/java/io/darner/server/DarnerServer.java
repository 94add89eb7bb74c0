package io.darner.server;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.EnableConfigurationProperties;

import java.util.Arrays;

/**
 * The control plane: {@code darner server [--name=value ...]} runs it (Spring Boot properties,
 * e.g. {@code --server.port=8080 --darner.data-dir=./data}); {@code darner demo} runs the demo.
 */
@SpringBootApplication
@EnableConfigurationProperties(DarnerProperties.class)
public class DarnerServer {
    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "server" : args[0];
        String[] rest = args.length == 0 ? args : Arrays.copyOfRange(args, 1, args.length);
        switch (command) {
            case "server" -> {
                if (Arrays.asList(rest).contains("--help")) {
                    System.out.println(HELP);
                    return;
                }
                SpringApplication app = new SpringApplication(DarnerServer.class);
                app.addListeners(new RoutesDir());
                app.run(rest);
            }
            case "demo" -> System.exit(Demo.run(rest));
            default -> {
                System.err.println("darner: unknown command '" + command + "'; the server jar runs 'server' and 'demo'");
                System.exit(2);
            }
        }
    }

    static final String HELP = """
            Usage: darner server [--SETTING=VALUE ...]

            Runs the control plane (REST API /api/v1, task lifecycle), an embedded supernode and,
            by default, an H2 database in DATA_DIR. Settings (defaults in application.yaml):
              --server.port=8080                 REST API port (address: --server.address=127.0.0.1)
              --darner.data-dir=./data           database, cluster secret, the supernode's pieces
              --darner.supernode.listen=127.0.0.1:7300   where agents join
              --darner.supernode.room=default    the room the embedded supernode schedules
              --darner.supernode.secret-file=F   cluster secret (default DATA_DIR/cluster.secret, made at first start)
              --darner.external-supernodes.ROOM=HOST:PORT   the admin address of a room's own supernode
                                                 (./darner supernode --admin …); tasks to nodes of ROOM go there
              --darner.tasks.join-timeout=60s    how long a task waits for a target node to join
              --darner.tasks.node-timeout=30s    how long a node may vanish mid-task before it fails
              --darner.file-sources=DATA_DIR/sources   directories file:// sources may be read from
                                                 (comma-separated); other files: serve them over http(s)
              --spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/darner   PostgreSQL instead of H2
              --spring.datasource.url=jdbc:mariadb://127.0.0.1:3306/darner      MySQL/MariaDB instead of H2
              (with --spring.datasource.username=… --spring.datasource.password=…)
            At first start the administrator 'admin' is created and its password printed once.
            API: GET /api/v1/openapi.json describes every endpoint.
            """;
}
