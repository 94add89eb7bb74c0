package io.darner.server;

import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.boot.web.servlet.server.ConfigurableServletWebServerFactory;
import org.springframework.stereotype.Component;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The servlet container's document root is a folder of the data dir (the API serves no files):
 * otherwise Tomcat makes a {@code tomcat-docbase.*} folder in /tmp that a killed server leaves behind.
 */
@Component
class WebRoot implements WebServerFactoryCustomizer<ConfigurableServletWebServerFactory> {
    private final DarnerProperties props;

    WebRoot(DarnerProperties props) {
        this.props = props;
    }

    @Override
    public void customize(ConfigurableServletWebServerFactory factory) {
        Path root = props.getDataDir().resolve("web");
        try {
            Files.createDirectories(root);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make " + root + " (under darner.data-dir): " + e.getMessage(), e);
        }
        factory.setDocumentRoot(root.toFile());
    }
}
