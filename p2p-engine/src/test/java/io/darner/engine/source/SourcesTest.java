package io.darner.engine.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import org.junit.jupiter.api.Test;

class SourcesTest {

    @Test
    void choosesBySchemeCaseInsensitively() {
        assertThat(Sources.of("http://example.com/a")).isInstanceOf(HttpSource.class);
        assertThat(Sources.of("HTTPS://example.com/a")).isInstanceOf(HttpSource.class);
        assertThat(Sources.of("file:///tmp/a")).isInstanceOf(FileSource.class);
        assertThat(Sources.of(URI.create("File:/tmp/a")).uri()).isEqualTo(URI.create("File:/tmp/a"));
    }

    @Test
    void empty() {
        assertThatThrownBy(() -> Sources.of((String) null)).hasMessage("source URL is empty");
        assertThatThrownBy(() -> Sources.of("  ")).hasMessage("source URL is empty");
        assertThatThrownBy(() -> Sources.of((URI) null)).hasMessage("source URL is empty");
    }

    @Test
    void notAbsolute() {
        assertThatThrownBy(() -> Sources.of("abc"))
                .isInstanceOf(IllegalArgumentException.class)
                .message().matches("source 'abc' is not an absolute URL: use http://, https://(,| or) file://.*");
    }

    @Test
    void notAUrl() {
        assertThatThrownBy(() -> Sources.of("http://exa mple.com/"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("source 'http://exa mple.com/' is not a valid URL");
    }

    @Test
    void unsupportedScheme() {
        assertThatThrownBy(() -> Sources.of("ftp://x/y"))
                .isInstanceOf(IllegalArgumentException.class)
                .message().matches("unsupported scheme 'ftp' in source 'ftp://x/y': use http, https(,| or) file.*");
    }

    @Test
    void httpWithoutHost() {
        assertThatThrownBy(() -> Sources.of("http:///path"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("has no valid host name");
    }

    @Test
    void fileWithAHost() {
        assertThatThrownBy(() -> Sources.of("file://server/share/a"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("is not a valid file URL");
    }

    @Test
    void registeredSchemesPlugIn() {
        Sources.register("S3Test", uri -> new FileSource(URI.create("file:///from-s3")));
        assertThat(Sources.of("s3test://bucket/key").uri()).isEqualTo(URI.create("file:///from-s3"));
        assertThatThrownBy(() -> Sources.of("ftp://x/y")).hasMessageContaining("or s3test");
    }
}
