package io.darner.processors.store;

final class Text {
    private Text() {}

    /** Cuts {@code s} to fit a column of {@code max} characters. */
    static String clip(String s, int max) {
        return s == null || s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
