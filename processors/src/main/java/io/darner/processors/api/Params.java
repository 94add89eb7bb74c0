package io.darner.processors.api;

import io.darner.processors.ApiException;
import org.apache.camel.Exchange;

/** Query and path parameters, checked. */
final class Params {
    private Params() {}

    static String optional(Exchange exchange, String name) {
        String v = exchange.getMessage().getHeader(name, String.class);
        return v == null || v.isBlank() ? null : v;
    }

    /** A text filter: at most {@code max} characters (matched exactly, never spliced into SQL). */
    static String text(Exchange exchange, String name, int max) {
        String v = optional(exchange, name);
        if (v != null && v.length() > max) {
            throw ApiException.badRequest(name, name + " is longer than " + max + " characters", "give the exact " + name + " to look for (at most " + max + " characters)");
        }
        return v;
    }

    static int intParam(Exchange exchange, String name, int dflt, int min, int max) {
        String v = optional(exchange, name);
        if (v == null) return dflt;
        try {
            int i = Integer.parseInt(v);
            if (i < min || i > max) throw new NumberFormatException();
            return i;
        } catch (NumberFormatException e) {
            throw ApiException.badRequest(name, name + " '" + v + "' is not a whole number from " + min + " to " + max, "e.g. ?" + name + "=" + dflt);
        }
    }
}
