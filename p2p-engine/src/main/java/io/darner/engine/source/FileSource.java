package io.darner.engine.source;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** A local file, {@code file:///path}. */
public final class FileSource implements Source {
    private final URI uri;
    private final Path path;

    public FileSource(URI uri) {
        this.uri = uri;
        try {
            this.path = Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                    "source '" + uri + "' is not a valid file URL (" + e.getMessage() + "): use file:///absolute/path", e);
        }
    }

    @Override
    public URI uri() {
        return uri;
    }

    @Override
    public Opened open(long offset) throws SourceException {
        if (offset < 0) {
            throw new IllegalArgumentException("negative offset " + offset);
        }
        if (Files.isDirectory(path)) {
            throw new SourceException(uri, "is a directory, not a file");
        }
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            throw new SourceException(uri, "no such file", e);
        } catch (AccessDeniedException e) {
            throw new SourceException(uri, "permission denied", e);
        } catch (IOException e) {
            throw new SourceException(uri, String.valueOf(e), e);
        }
        try {
            // size and position come from the same open file, so they agree even if the path is replaced
            long size = channel.size();
            if (offset > size) {
                Closeables.closeQuietly(channel);
                throw new SourceException(uri, "offset " + offset + " is beyond the end of the file (" + size + " bytes)");
            }
            channel.position(offset);
            return new Opened(size, new ExactLengthInputStream(Channels.newInputStream(channel), uri, offset, size));
        } catch (IOException e) {
            Closeables.closeQuietly(channel);
            throw new SourceException(uri, String.valueOf(e), e);
        }
    }


    @Override
    public String toString() {
        return uri.toString();
    }
}
