package io.headroom.core.target;

/**
 * The outcome of one active health check of one target.
 *
 * @param outcome    pass, or how it failed
 * @param statusCode the HTTP status received (for gRPC checks: the grpc-status), 0 when none was (TCP checks,
 *                   timeouts, connection errors)
 * @param detail     what went wrong in words (e.g. "Connection refused"), null when passed; for a code mismatch,
 *                   {@link #GRPC} when the code is a gRPC status, null for an HTTP status
 */
public record ProbeResult(Outcome outcome, int statusCode, String detail) {

    /** Pass or the AWS failure class of a health check; each failure maps to a reason code. */
    public enum Outcome {
        PASSED(null),
        /** An HTTP status (or a gRPC check's grpc-status) the matcher does not accept. */
        RESPONSE_CODE_MISMATCH("Target.ResponseCodeMismatch"),
        /** No (complete) answer within the health check timeout. */
        TIMEOUT("Target.Timeout"),
        /** Connection refused or reset, TLS failure, malformed response. */
        FAILED("Target.FailedHealthChecks");

        private final String reason;

        Outcome(String reason) {
            this.reason = reason;
        }

        /** AWS's reason code for a target failing this way; null for {@link #PASSED}. */
        public String reason() {
            return reason;
        }
    }

    private static final ProbeResult PASSED = new ProbeResult(Outcome.PASSED, 0, null);
    /** The detail of a gRPC check's code mismatch. */
    public static final String GRPC = "gRPC";

    public static ProbeResult passed() {
        return PASSED;
    }

    public static ProbeResult passed(int statusCode) {
        return new ProbeResult(Outcome.PASSED, statusCode, null);
    }

    public static ProbeResult codeMismatch(int statusCode) {
        return new ProbeResult(Outcome.RESPONSE_CODE_MISMATCH, statusCode, null);
    }

    /** A gRPC check answered with a {@code grpc-status} the matcher does not accept. */
    public static ProbeResult grpcCodeMismatch(int grpcStatus) {
        return new ProbeResult(Outcome.RESPONSE_CODE_MISMATCH, grpcStatus, GRPC);
    }

    public static ProbeResult timeout() {
        return new ProbeResult(Outcome.TIMEOUT, 0, null);
    }

    public static ProbeResult failed(String detail) {
        return new ProbeResult(Outcome.FAILED, 0, detail);
    }

    public boolean isPassed() {
        return outcome == Outcome.PASSED;
    }
}
