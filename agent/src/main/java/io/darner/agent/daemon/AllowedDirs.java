package io.darner.agent.daemon;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The directories the agent may write targets into. A target is accepted when the real path of
 * its parent directory (symbolic links resolved, {@code ..} removed) lies inside the real path of
 * an allowed directory; the checked path, under that real parent, is what the engine gets.
 */
public final class AllowedDirs {
    /** A refused target: the HTTP status to answer and why. */
    public static final class Refused extends Exception {
        private final int status;
        private final FailureKind kind;

        Refused(int status, FailureKind kind, String message) {
            super(message);
            this.status = status;
            this.kind = kind;
        }

        public int status() {
            return status;
        }

        public FailureKind kind() {
            return kind;
        }
    }

    private final List<Path> roots;

    private AllowedDirs(List<Path> roots) {
        this.roots = List.copyOf(roots);
    }

    /** @throws IOException naming a directory that does not exist or is not a directory */
    public static AllowedDirs of(List<Path> dirs) throws IOException {
        List<Path> roots = new ArrayList<>();
        for (Path d : dirs) {
            Path real = d.toRealPath();
            if (!Files.isDirectory(real)) throw new IOException(d + " is not a directory");
            roots.add(real);
        }
        return new AllowedDirs(roots);
    }

    public List<String> describe() {
        return roots.stream().map(Path::toString).toList();
    }

    public Path check(String output) throws Refused {
        if (output == null || output.isBlank()) throw new Refused(400, FailureKind.USAGE, "output path is missing");
        Path target;
        try {
            target = Path.of(output);
        } catch (InvalidPathException e) {
            throw new Refused(400, FailureKind.USAGE, "output '" + output + "' is not a valid path: " + e.getMessage());
        }
        if (!target.isAbsolute()) throw new Refused(400, FailureKind.USAGE, "output '" + output + "' must be an absolute path");
        target = target.normalize();
        Path parent = target.getParent();
        if (parent == null || target.getFileName() == null) {
            throw forbidden(output);
        }
        Path realParent;
        try {
            realParent = parent.toRealPath();
        } catch (NoSuchFileException e) {
            throw new Refused(422, FailureKind.LOCAL_IO, "directory " + parent + " does not exist");
        } catch (IOException e) {
            throw new Refused(422, FailureKind.LOCAL_IO, "cannot resolve directory " + parent + ": " + e);
        }
        if (roots.stream().noneMatch(realParent::startsWith)) throw forbidden(output);
        return realParent.resolve(target.getFileName());
    }

    private Refused forbidden(String output) {
        String where = roots.isEmpty() ? "this agent allows no directory (start it with --allow-dir DIR)"
                : "allowed directories: " + String.join(", ", describe());
        return new Refused(403, FailureKind.LOCAL_IO, "output '" + output + "' is outside the directories this agent may write; " + where);
    }
}
