package io.darner.processors.lifecycle;

import io.darner.processors.ApiException;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Where {@code file://} sources may be read from: the seed runs inside the server, so a
 * {@code file://} URL outside these directories (say {@code file:///etc/shadow}) would let any
 * task creator distribute the server's own files. Checked on the real path (symbolic links
 * resolved as far as the path exists), so a link inside a directory cannot point outside it.
 */
public final class FileSources {
    private final List<Path> dirs;

    public FileSources(List<Path> dirs) {
        this.dirs = dirs.stream().map(FileSources::real).toList();
    }

    /** A 400 naming {@code field} unless {@code url} is not {@code file://}, or lies inside one of the directories. */
    public void check(String url, String field) {
        if (!url.regionMatches(true, 0, "file:", 0, 5)) return;
        Path path;
        try {
            path = real(Path.of(URI.create(url)));
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest(field, "source '" + url + "' is not a valid file URL", "use file:///absolute/path");
        }
        for (Path d : dirs) if (path.startsWith(d)) return;
        throw ApiException.badRequest(field, dirs.isEmpty() ? "file:// sources are turned off on this server"
                        : "source " + url + " lies outside the directories file:// sources may be read from",
                dirs.isEmpty() ? "serve the file over http(s), or list a directory in darner.file-sources"
                        : "put the file under " + dirs + " (darner.file-sources), or serve it over http(s)");
    }

    /** The real path of {@code p}: of its longest existing ancestor, with the rest appended. */
    private static Path real(Path p) {
        Path abs = p.toAbsolutePath().normalize();
        Path existing = abs;
        while (existing != null && !Files.exists(existing)) existing = existing.getParent();
        if (existing == null) return abs;
        try {
            return existing.toRealPath().resolve(existing.relativize(abs));
        } catch (IOException e) {
            return abs;
        }
    }
}
