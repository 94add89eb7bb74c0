package io.darner.engine.source;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An {@code http://} or {@code https://} URL, read with GET; {@link #open(long)} at an offset
 * resumes with {@code Range: bytes=offset-}.
 */
public final class HttpSource implements Source {

    private static final HttpClient CLIENT = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();

    private static final Duration DEFAULT_RESPONSE_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern CONTENT_RANGE = Pattern.compile("bytes (\\d+)-(\\d+)/(\\d+|\\*)");

    private final URI uri;
    private final Duration responseTimeout;

    public HttpSource(URI uri) {
        this(uri, DEFAULT_RESPONSE_TIMEOUT);
    }

    /** {@code responseTimeout} bounds the wait for the response headers, not the body. */
    HttpSource(URI uri, Duration responseTimeout) {
        String scheme = uri.getScheme();
        if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
            throw new IllegalArgumentException("source '" + uri + "' is not an http:// or https:// URL");
        }
        if (uri.getHost() == null) {
            throw new IllegalArgumentException("source '" + uri + "' has no valid host name: use " + scheme + "://host/path");
        }
        this.uri = uri;
        this.responseTimeout = responseTimeout;
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
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).GET().timeout(responseTimeout);
        if (offset > 0) {
            request.header("Range", "bytes=" + offset + "-");
        }
        HttpResponse<InputStream> response = send(request.build());
        try {
            return opened(response, offset);
        } catch (SourceException | RuntimeException e) {
            Closeables.closeQuietly(response.body());
            throw e;
        }
    }

    private Opened opened(HttpResponse<InputStream> response, long offset) throws SourceException {
        int status = response.statusCode();
        if (status < 200 || status > 299) {
            throw new SourceException(uri, status == 404 ? "HTTP 404 Not Found" : "HTTP " + status);
        }
        long contentLength = response.headers().firstValueAsLong("Content-Length").orElse(-1);
        if (status == 206) {
            String contentRange = response.headers().firstValue("Content-Range").orElse("");
            Matcher range = CONTENT_RANGE.matcher(contentRange);
            if (!range.matches() || Long.parseLong(range.group(1)) != offset) {
                throw new SourceException(uri, "asked for bytes " + offset + "- but the server answered 206 with Content-Range '"
                        + contentRange + "'");
            }
            long total = range.group(3).equals("*") ? -1 : Long.parseLong(range.group(3));
            // expecting up to the total (not just this range) turns a server that serves only part
            // of the rest into a short read, which the caller resumes like a dropped connection
            long end = total >= 0 ? total : contentLength >= 0 ? offset + contentLength : -1;
            return new Opened(total, new ExactLengthInputStream(response.body(), uri, offset, end));
        }
        // the server ignored Range (or none was sent): the body starts at byte 0
        ExactLengthInputStream body = new ExactLengthInputStream(response.body(), uri, 0, contentLength);
        try {
            body.skipNBytes(offset);
        } catch (IOException e) {
            throw new SourceException(uri, "server ignored Range and its body ended at byte " + body.position()
                    + " while skipping to offset " + offset, e);
        }
        return new Opened(contentLength, body);
    }

    private HttpResponse<InputStream> send(HttpRequest request) throws SourceException {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SourceException(uri, "interrupted", e);
        } catch (IOException e) {
            throw new SourceException(uri, describe(e), e);
        }
    }

    private String describe(IOException e) {
        // the client wraps the telling exception: ConnectException around UnresolvedAddressException
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
                return "unknown host " + uri.getHost();
            }
        }
        if (e instanceof HttpConnectTimeoutException) {
            return "timed out connecting to " + authority();
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out waiting for a response after " + responseTimeout.toMillis() + " ms";
        }
        // the JDK 17 client reports a refused connect as ConnectException around a ClosedChannelException,
        // with no message that would tell it apart from rarer connect failures
        if (e instanceof ConnectException) {
            return "connection refused by " + authority();
        }
        return String.valueOf(e);
    }

    private String authority() {
        int port = uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        return uri.getHost() + ":" + port;
    }


    @Override
    public String toString() {
        return uri.toString();
    }
}
