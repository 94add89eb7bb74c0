package io.darner.it.control;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.UUID;

/**
 * Where the server under test keeps its store: H2 in its data dir, or a database of its own,
 * made for the test and dropped after it, on the PostgreSQL or MariaDB server every machine of
 * this project runs at its standard loopback port.
 */
enum Database {
    H2, POSTGRESQL, MARIADB;

    /** Creates a fresh database; returns the server arguments that select it. */
    List<String> create(String name) {
        return switch (this) {
            case H2 -> List.of();
            case POSTGRESQL -> {
                admin("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "create database " + name);
                yield List.of("--spring.datasource.url=jdbc:postgresql://127.0.0.1:5432/" + name, "--spring.datasource.username=postgres");
            }
            case MARIADB -> {
                admin("jdbc:mariadb://127.0.0.1:3306/", "root", "create database " + name);
                yield List.of("--spring.datasource.url=jdbc:mariadb://127.0.0.1:3306/" + name, "--spring.datasource.username=root");
            }
        };
    }

    void drop(String name) {
        switch (this) {
            case H2 -> { }
            case POSTGRESQL -> admin("jdbc:postgresql://127.0.0.1:5432/postgres", "postgres", "drop database if exists " + name + " with (force)");
            case MARIADB -> admin("jdbc:mariadb://127.0.0.1:3306/", "root", "drop database if exists " + name);
        }
    }

    static String freshName() {
        return "darner_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    private static void admin(String url, String user, String sql) {
        try (Connection c = DriverManager.getConnection(url, user, ""); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot run '" + sql + "' at " + url + " (is the database server running? see ../shared/REAL-COMPONENTS.md): " + e.getMessage(), e);
        }
    }
}
