package io.darner.engine.manifest;

import java.util.Locale;
import java.util.regex.Pattern;

/** An expected content digest as users write it: {@code sha256:} followed by 64 hex digits. */
public record ContentDigest(String hex) {
    private static final Pattern FORM = Pattern.compile("sha256:[0-9a-f]{64}");

    public ContentDigest {
        if (hex == null || !hex.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("content id must be 64 lowercase hex digits, got '" + hex + "'");
        }
    }

    /**
     * @throws IllegalArgumentException naming the value and the expected form
     */
    public static ContentDigest parse(String text) {
        String t = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
        if (!FORM.matcher(t).matches()) {
            throw new IllegalArgumentException("digest '" + text + "' is not of the form sha256:<64 hex digits>");
        }
        return new ContentDigest(t.substring("sha256:".length()));
    }

    @Override
    public String toString() {
        return "sha256:" + hex;
    }
}
