package io.darner.routes;

import com.fasterxml.jackson.databind.JsonNode;
import io.darner.processors.Json;
import org.apache.camel.CamelContext;
import org.apache.camel.Consumer;
import org.apache.camel.Endpoint;
import org.apache.camel.Exchange;
import org.apache.camel.Processor;
import org.apache.camel.Producer;
import org.apache.camel.spi.RestConfiguration;
import org.apache.camel.spi.RestConsumerFactory;
import org.apache.camel.support.DefaultComponent;
import org.apache.camel.support.DefaultConsumer;
import org.apache.camel.support.DefaultEndpoint;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A REST component for the REST DSL that needs no HTTP server: the rest routes of
 * {@link ApiRoutes} are consumed here exactly as platform-http consumes them in the server
 * (path parameters and query parameters become headers), and a test calls them with
 * {@link #call}. Status and body are what a client would see.
 */
final class InMemoryRest extends DefaultComponent implements RestConsumerFactory {
    static final String NAME = "darner-test-rest";

    record Response(int status, String body) {
        JsonNode json() {
            try {
                return body == null ? null : Json.MAPPER.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("response is not JSON: " + body, e);
            }
        }

        @Override
        public String toString() {
            return status + " " + body;
        }
    }

    private record Binding(String verb, String[] segments, DefaultConsumer consumer) {}

    private final List<Binding> bindings = new CopyOnWriteArrayList<>();

    @Override
    protected Endpoint createEndpoint(String uri, String remaining, Map<String, Object> parameters) {
        throw new UnsupportedOperationException("only the REST DSL uses " + NAME);
    }

    @Override
    public Consumer createConsumer(CamelContext camelContext, Processor processor, String verb, String basePath, String uriTemplate,
                                   String consumes, String produces, RestConfiguration configuration, Map<String, Object> parameters) {
        String path = (basePath == null ? "" : basePath) + (uriTemplate == null ? "" : (uriTemplate.startsWith("/") ? "" : "/") + uriTemplate);
        Endpoint endpoint = new DefaultEndpoint(NAME + ":" + verb + ":" + path, this) {
            @Override
            public Producer createProducer() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Consumer createConsumer(Processor p) {
                throw new UnsupportedOperationException();
            }
        };
        String[] segments = split(path);
        return new DefaultConsumer(endpoint, processor) {
            private Binding binding;

            @Override
            protected void doStart() throws Exception {
                super.doStart();
                binding = new Binding(verb.toUpperCase(), segments, this);
                bindings.add(binding);
            }

            @Override
            protected void doStop() throws Exception {
                bindings.remove(binding);
                super.doStop();
            }
        };
    }

    /** Calls the API as a client would: {@code pathAndQuery} like {@code /api/v1/tasks?state=RUNNING}. */
    Response call(String verb, String pathAndQuery, String authorization, String body) throws Exception {
        int q = pathAndQuery.indexOf('?');
        String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
        String[] segments = split(path);
        Binding match = null;
        Map<String, String> pathParams = null;
        for (Binding b : bindings) {
            if (!b.verb().equalsIgnoreCase(verb) || b.segments().length != segments.length) continue;
            Map<String, String> params = new java.util.HashMap<>();
            boolean ok = true;
            int literal = 0;
            for (int i = 0; i < segments.length && ok; i++) {
                String t = b.segments()[i];
                if (t.startsWith("{") && t.endsWith("}")) params.put(t.substring(1, t.length() - 1), segments[i]);
                else if (t.equals(segments[i])) literal++;
                else ok = false;
            }
            // a literal segment wins over a template, as in every HTTP router
            if (ok && (match == null || literal > literalCount(match))) {
                match = b;
                pathParams = params;
            }
        }
        if (match == null) return new Response(404, null);
        DefaultConsumer consumer = match.consumer();
        Exchange exchange = consumer.createExchange(false);
        try {
            exchange.getMessage().setHeader(Exchange.HTTP_METHOD, verb.toUpperCase());
            exchange.getMessage().setHeader(Exchange.HTTP_PATH, path);
            if (q >= 0) {
                exchange.getMessage().setHeader(Exchange.HTTP_QUERY, pathAndQuery.substring(q + 1));
                for (String kv : pathAndQuery.substring(q + 1).split("&")) {
                    if (kv.isEmpty()) continue;
                    int eq = kv.indexOf('=');
                    String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
                    String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
                    exchange.getMessage().setHeader(k, v);
                }
            }
            pathParams.forEach((k, v) -> exchange.getMessage().setHeader(k, v));
            if (authorization != null) exchange.getMessage().setHeader("Authorization", authorization);
            if (body != null) {
                exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
                exchange.getMessage().setBody(body);
            }
            consumer.getProcessor().process(exchange);
            if (exchange.getException() != null) {
                throw new AssertionError("the route did not handle " + exchange.getException(), exchange.getException());
            }
            Integer status = exchange.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class);
            return new Response(status == null ? 200 : status, exchange.getMessage().getBody(String.class));
        } finally {
            consumer.releaseExchange(exchange, false);
        }
    }

    /** The paths the REST DSL bound, as {@code VERB /path}. */
    List<String> bound() {
        List<String> out = new ArrayList<>();
        for (Binding b : bindings) out.add(b.verb() + " /" + String.join("/", b.segments()));
        return out;
    }

    private static int literalCount(Binding b) {
        int n = 0;
        for (String s : b.segments()) if (!s.startsWith("{")) n++;
        return n;
    }

    private static String[] split(String path) {
        return java.util.Arrays.stream(path.split("/")).filter(s -> !s.isEmpty()).toArray(String[]::new);
    }
}
