package io.headroom.server.admin;

/**
 * An API error with its HTTP status and AWS-style code; the admin server answers it as
 * {@code {"code": ..., "message": ...}}. The message names the bad field or the unknown name.
 */
final class ApiException extends RuntimeException {
    final int status;
    final String code;

    ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    static ApiException validation(String message) {
        return new ApiException(400, "ValidationError", message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, "NotFound", message);
    }

    static ApiException conflict(String message) {
        return new ApiException(409, "Conflict", message);
    }
}
