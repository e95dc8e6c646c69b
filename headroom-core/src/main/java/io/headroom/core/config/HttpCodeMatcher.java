package io.headroom.core.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The codes a health check accepts, in AWS's matcher syntax: one code, a range or a list ("200", "200-299",
 * "200,302"). Either HTTP status codes (AWS's {@code Matcher.HttpCode}, 200..499) or, for target groups of
 * {@code protocolVersion: GRPC}, gRPC status codes (AWS's {@code Matcher.GrpcCode}, 0..99) compared with the
 * response's {@code grpc-status}.
 *
 * @param grpc whether these are gRPC codes
 */
public record HttpCodeMatcher(String spec, List<int[]> ranges, boolean grpc) {

    public static final String EXPECTED = "codes like 200, 200-299 or 200,302";
    public static final String GRPC_EXPECTED = "gRPC codes 0..99 like 12, 0-99 or 0,12";

    /** HTTP status codes 200..499. */
    public static HttpCodeMatcher parse(String spec) {
        return parse(spec, false);
    }

    /** gRPC status codes 0..99. */
    public static HttpCodeMatcher parseGrpc(String spec) {
        return parse(spec, true);
    }

    private static HttpCodeMatcher parse(String spec, boolean grpc) {
        String expected = grpc ? GRPC_EXPECTED : EXPECTED;
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("\"" + spec + "\" (expected: " + expected + ")");
        }
        int min = grpc ? 0 : 200;
        int max = grpc ? 99 : 499;
        List<int[]> ranges = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1).trim());
                if (lo < min || hi > max || lo > hi) {
                    throw new IllegalArgumentException("\"" + spec + "\" (expected: "
                            + (grpc ? expected : "codes within 200-499, low-high") + ")");
                }
                ranges.add(new int[] {lo, hi});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + spec + "\" (expected: " + expected + ")");
            }
        }
        return new HttpCodeMatcher(spec, List.copyOf(ranges), grpc);
    }

    public boolean matches(int code) {
        for (int[] r : ranges) {
            if (code >= r[0] && code <= r[1]) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return spec;
    }
}
