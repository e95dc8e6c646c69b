package io.headroom.core.config;

import java.util.ArrayList;
import java.util.List;

/** The HTTP codes a health check accepts: "200", "200-299" or "200,302" (AWS's matcher syntax). */
public record HttpCodeMatcher(String spec, List<int[]> ranges) {

    public static final String EXPECTED = "codes like 200, 200-299 or 200,302";

    public static HttpCodeMatcher parse(String spec) {
        if (spec == null || spec.isBlank()) {
            throw new IllegalArgumentException("\"" + spec + "\" (expected: " + EXPECTED + ")");
        }
        List<int[]> ranges = new ArrayList<>();
        for (String part : spec.split(",")) {
            String p = part.trim();
            try {
                int dash = p.indexOf('-');
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).trim());
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1).trim());
                if (lo < 200 || hi > 499 || lo > hi) {
                    throw new IllegalArgumentException("\"" + spec + "\" (expected: codes within 200-499, low-high)");
                }
                ranges.add(new int[] {lo, hi});
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("\"" + spec + "\" (expected: " + EXPECTED + ")");
            }
        }
        return new HttpCodeMatcher(spec, List.copyOf(ranges));
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
