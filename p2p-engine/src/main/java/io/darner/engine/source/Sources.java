package io.darner.engine.source;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

/** Picks the {@link Source} for a URL by its scheme; more schemes (S3, OCI registries) plug in with {@link #register}. */
public final class Sources {

    // insertion order, so the hints in error messages list the built-in schemes first
    private static final Map<String, Function<URI, Source>> FACTORIES = new LinkedHashMap<>();

    static {
        register("http", HttpSource::new);
        register("https", HttpSource::new);
        register("file", FileSource::new);
    }

    private Sources() {
    }

    /** Makes {@code scheme} (case-insensitive) resolve to {@code factory}, replacing any previous one. */
    public static synchronized void register(String scheme, Function<URI, Source> factory) {
        Objects.requireNonNull(factory, "factory");
        if (scheme == null || scheme.isBlank()) {
            throw new IllegalArgumentException("scheme is empty");
        }
        FACTORIES.put(scheme.toLowerCase(Locale.ROOT), factory);
    }

    /** @throws IllegalArgumentException if {@code uri} is empty, not a URL or of an unsupported scheme */
    public static Source of(String uri) {
        if (uri == null || uri.isBlank()) {
            throw new IllegalArgumentException("source URL is empty");
        }
        try {
            return of(new URI(uri.strip()));
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("source '" + uri + "' is not a valid URL: " + e.getMessage(), e);
        }
    }

    /** @throws IllegalArgumentException if {@code uri} is empty, not absolute or of an unsupported scheme */
    public static Source of(URI uri) {
        if (uri == null || uri.toString().isEmpty()) {
            throw new IllegalArgumentException("source URL is empty");
        }
        List<String> schemes;
        Function<URI, Source> factory;
        synchronized (Sources.class) {
            schemes = new ArrayList<>(FACTORIES.keySet());
            factory = uri.getScheme() == null ? null : FACTORIES.get(uri.getScheme().toLowerCase(Locale.ROOT));
        }
        if (uri.getScheme() == null) {
            throw new IllegalArgumentException("source '" + uri + "' is not an absolute URL: use "
                    + orList(schemes.stream().map(s -> s + "://").toList()));
        }
        if (factory == null) {
            throw new IllegalArgumentException("unsupported scheme '" + uri.getScheme() + "' in source '" + uri + "': use "
                    + orList(schemes));
        }
        return factory.apply(uri);
    }

    private static String orList(List<String> items) {
        if (items.size() < 2) {
            return String.join("", items);
        }
        return String.join(", ", items.subList(0, items.size() - 1)) + " or " + items.get(items.size() - 1);
    }
}
