package io.darner.processors;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import org.apache.camel.Exchange;

import java.io.IOException;
import java.util.stream.Collectors;

/** The one JSON mapper of the API: strict on input (unknown fields are errors), plain on output. */
public final class Json {
    public static final ObjectMapper MAPPER = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS);

    /** The field named by an error about the request body as a whole (missing, not JSON, not an object). */
    public static final String BODY = "body";

    private Json() {}

    /** Reads the exchange body as {@code type}; a body that is not what the API takes is a 400 naming the field. */
    public static <T> T read(Exchange exchange, Class<T> type) {
        String body = exchange.getMessage().getBody(String.class);
        if (body == null || body.isBlank()) {
            throw ApiException.badRequest(BODY, "the request has no JSON body", "send a JSON object with Content-Type: application/json");
        }
        try {
            T value = MAPPER.readValue(body, type);
            if (value == null) throw ApiException.badRequest(BODY, "the request body is JSON null", "send a JSON object");
            return value;
        } catch (UnrecognizedPropertyException e) {
            String field = path(e) == null ? e.getPropertyName() : path(e); // nested: e.g. nodes[0].rack
            throw ApiException.badRequest(field, "unknown field '" + field + "'",
                    "remove it; known fields: " + e.getKnownPropertyIds().stream().map(String::valueOf).sorted().collect(Collectors.joining(", ")));
        } catch (MismatchedInputException e) {
            String field = path(e) == null ? BODY : path(e);
            throw ApiException.badRequest(field, "field '" + field + "' has the wrong type or form",
                    "send " + (e.getTargetType() == null ? "a JSON object" : describe(e.getTargetType())));
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest(BODY, "the request body is not valid JSON: " + e.getOriginalMessage()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")"),
                    "send a well-formed JSON object");
        } catch (IOException e) {
            throw ApiException.badRequest(BODY, "the request body could not be read: " + e.getMessage(), "send a JSON object");
        }
    }

    /** Sets a JSON response with the given status; no request header is echoed back. */
    public static void reply(Exchange exchange, int status, Object value) {
        exchange.getMessage().removeHeaders("*");
        try {
            exchange.getMessage().setBody(MAPPER.writeValueAsString(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a response as JSON", e);
        }
        exchange.getMessage().setHeader(Exchange.CONTENT_TYPE, "application/json");
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, status);
    }

    /** An empty 204 answer; no request header is echoed back. */
    public static void noContent(Exchange exchange) {
        exchange.getMessage().removeHeaders("*");
        exchange.getMessage().setBody(null);
        exchange.getMessage().setHeader(Exchange.HTTP_RESPONSE_CODE, 204);
    }

    private static String path(JsonMappingException e) {
        String p = e.getPath().stream()
                .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                .collect(Collectors.joining("."));
        return p.isEmpty() ? null : p.replace(".[", "[");
    }

    private static String describe(Class<?> type) {
        if (type == String.class) return "a string";
        if (type == Long.class || type == long.class || type == Integer.class || type == int.class) return "a whole number";
        if (type == Boolean.class || type == boolean.class) return "true or false";
        if (java.util.List.class.isAssignableFrom(type)) return "a JSON array";
        if (type.isEnum()) return "one of " + java.util.Arrays.toString(type.getEnumConstants());
        return "a JSON object";
    }
}
