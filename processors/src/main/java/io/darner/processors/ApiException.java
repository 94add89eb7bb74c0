package io.darner.processors;

/**
 * A request the control plane refuses, with what a client needs to fix it: the HTTP status,
 * the field at fault (null when the whole request is) and how to fix it. Nothing was written
 * when one of these is thrown before a step commits.
 */
public class ApiException extends RuntimeException {
    private final int status;
    private final String field;
    private final String fix;

    public ApiException(int status, String field, String message, String fix) {
        super(message);
        this.status = status;
        this.field = field;
        this.fix = fix;
    }

    public static ApiException badRequest(String field, String message, String fix) {
        return new ApiException(400, field, message, fix);
    }

    public static ApiException notFound(String field, String message, String fix) {
        return new ApiException(404, field, message, fix);
    }

    public static ApiException conflict(String field, String message, String fix) {
        return new ApiException(409, field, message, fix);
    }

    public static ApiException unauthorized(String message) {
        return new ApiException(401, "Authorization", message,
                "send 'Authorization: Bearer TOKEN' with a token from POST /api/v1/auth/login or /api/v1/auth/tokens");
    }

    public static ApiException forbidden(String message, String fix) {
        return new ApiException(403, null, message, fix);
    }

    public static ApiException tooManyRequests(String field, String message, String fix) {
        return new ApiException(429, field, message, fix);
    }

    public int status() {
        return status;
    }

    public String field() {
        return field;
    }

    public String fix() {
        return fix;
    }
}
