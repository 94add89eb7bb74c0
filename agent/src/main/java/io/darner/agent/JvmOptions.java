package io.darner.agent;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * The JVM flags each darner command runs with, from {@code darner-jvm.options} (one
 * {@code COMMAND=FLAGS} line per command): the file ./darner reads, so the processes the
 * memory benchmark and the end-to-end tests start run exactly as a user's do.
 */
public final class JvmOptions {
    public static final String RESOURCE = "/darner-jvm.options";

    private JvmOptions() {
    }

    /** The flags for {@code command} (empty when the file has no line for it). */
    public static List<String> forCommand(String command) {
        try (InputStream in = JvmOptions.class.getResourceAsStream(RESOURCE)) {
            if (in == null) throw new IllegalStateException(RESOURCE + " is missing from the darner jar");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String prefix = command + "=";
            for (String line; (line = r.readLine()) != null; ) {
                if (line.startsWith(prefix)) {
                    return Arrays.stream(line.substring(prefix.length()).trim().split("\\s+")).filter(s -> !s.isEmpty()).toList();
                }
            }
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + RESOURCE, e);
        }
    }
}
