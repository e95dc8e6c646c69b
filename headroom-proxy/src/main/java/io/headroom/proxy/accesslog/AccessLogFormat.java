package io.headroom.proxy.accesslog;

import io.headroom.core.config.LoadBalancerConfig.AccessLogConfig;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * How an {@link AccessLogEntry} becomes one line (without the line break). Runs on the writer thread only.
 * <ul>
 *   <li>{@code alb}: ALB's access log entry, space-separated in ALB's field order, quoted fields as ALB quotes
 *       them ({@code "} and {@code \} inside a quoted field are escaped with {@code \}), {@code -} for no value,
 *       the target group's name where ALB writes its ARN;</li>
 *   <li>{@code json}: one object per line with ALB's field names; times in seconds and counts as numbers,
 *       {@code null} for no value;</li>
 *   <li>{@code combined}: the Apache/nginx combined log format; the size is {@code sent_bytes}.</li>
 * </ul>
 */
public enum AccessLogFormat implements LogFile.LineFormat<AccessLogEntry> {
    ALB {
        @Override
        public void format(AccessLogEntry e, StringBuilder out) {
            out.append(e.type()).append(' ');
            isoMicros(e.timeMicros(), out);
            out.append(' ').append(e.elb()).append(' ');
            out.append(e.clientIp()).append(':').append(e.clientPort()).append(' ');
            out.append(e.target() == null ? "-" : e.target().toString()).append(' ');
            seconds(e.requestProcessingNanos(), out);
            out.append(' ');
            seconds(e.targetProcessingNanos(), out);
            out.append(' ');
            seconds(e.responseProcessingNanos(), out);
            out.append(' ');
            status(e.elbStatus(), out);
            out.append(' ');
            status(e.targetStatus(), out);
            out.append(' ').append(e.receivedBytes()).append(' ').append(e.sentBytes()).append(' ');
            quoted(e.requestLine(), out);
            out.append(' ');
            quoted(e.userAgent(), out);
            out.append(' ');
            plain(e.sslCipher(), out);
            out.append(' ');
            plain(e.sslProtocol(), out);
            out.append(' ');
            plain(e.targetGroup(), out);
            out.append(' ');
            quoted(e.traceId(), out);
            out.append(' ');
            quoted(e.domainName(), out);
            out.append(" \"-\" "); // chosen_cert_arn
            if (e.rulePriority() < 0) {
                out.append('-');
            } else {
                out.append(e.rulePriority());
            }
            out.append(' ');
            isoMicros(e.requestCreationMicros(), out);
            out.append(' ');
            quoted(e.actionsExecuted(), out);
            out.append(' ');
            quoted(e.redirectUrl(), out);
            out.append(' ');
            quoted(e.errorReason(), out);
            out.append(' ');
            quoted(e.target() == null ? null : e.target().toString(), out);
            out.append(' ');
            quoted(e.targetStatus() < 0 ? null : Integer.toString(e.targetStatus()), out);
            out.append(' ');
            quoted(e.classification(), out);
            out.append(' ');
            quoted(e.classificationReason(), out);
            out.append(' ');
            plain(e.connTraceId(), out);
        }
    },
    JSON {
        @Override
        public void format(AccessLogEntry e, StringBuilder out) {
            out.append('{');
            field("type", e.type(), out, true);
            StringBuilder t = new StringBuilder(27);
            isoMicros(e.timeMicros(), t);
            field("time", t.toString(), out, false);
            field("elb", e.elb(), out, false);
            field("client:port", e.clientIp() + ":" + e.clientPort(), out, false);
            field("target:port", e.target() == null ? null : e.target().toString(), out, false);
            number("request_processing_time", e.requestProcessingNanos(), out);
            number("target_processing_time", e.targetProcessingNanos(), out);
            number("response_processing_time", e.responseProcessingNanos(), out);
            integer("elb_status_code", e.elbStatus(), out);
            integer("target_status_code", e.targetStatus(), out);
            integer("received_bytes", e.receivedBytes(), out);
            integer("sent_bytes", e.sentBytes(), out);
            field("request", e.requestLine(), out, false);
            field("user_agent", e.userAgent(), out, false);
            field("ssl_cipher", e.sslCipher(), out, false);
            field("ssl_protocol", e.sslProtocol(), out, false);
            field("target_group_arn", e.targetGroup(), out, false);
            field("trace_id", e.traceId(), out, false);
            field("domain_name", e.domainName(), out, false);
            field("chosen_cert_arn", null, out, false);
            integer("matched_rule_priority", e.rulePriority(), out);
            t.setLength(0);
            isoMicros(e.requestCreationMicros(), t);
            field("request_creation_time", t.toString(), out, false);
            field("actions_executed", e.actionsExecuted(), out, false);
            field("redirect_url", e.redirectUrl(), out, false);
            field("error_reason", e.errorReason(), out, false);
            field("target:port_list", e.target() == null ? null : e.target().toString(), out, false);
            field("target_status_code_list", e.targetStatus() < 0 ? null : Integer.toString(e.targetStatus()),
                    out, false);
            field("classification", e.classification(), out, false);
            field("classification_reason", e.classificationReason(), out, false);
            field("conn_trace_id", e.connTraceId(), out, false);
            out.append('}');
        }
    },
    COMBINED {
        @Override
        public void format(AccessLogEntry e, StringBuilder out) {
            out.append(e.clientIp()).append(" - - [");
            CLF.formatTo(Instant.ofEpochSecond(e.timeMicros() / 1_000_000).atOffset(ZoneOffset.UTC), out);
            out.append("] ");
            quoted(e.method() == null ? "-" : e.method() + " " + e.uri() + " " + e.httpVersion(), out);
            out.append(' ');
            status(e.elbStatus(), out);
            out.append(' ');
            if (e.sentBytes() > 0) {
                out.append(e.sentBytes());
            } else {
                out.append('-');
            }
            out.append(' ');
            quoted(e.referer(), out);
            out.append(' ');
            quoted(e.userAgent(), out);
        }
    };

    private static final DateTimeFormatter CLF = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.US);

    /** Appends the line for {@code e} (no line break). */
    @Override
    public abstract void format(AccessLogEntry e, StringBuilder out);

    /** The format of a config value. */
    public static AccessLogFormat of(AccessLogConfig.Format f) {
        return switch (f) {
            case ALB -> ALB;
            case JSON -> JSON;
            case COMBINED -> COMBINED;
        };
    }

    /** ISO 8601 in UTC with microseconds, as ALB: {@code 2018-07-02T22:23:00.186641Z}. */
    static void isoMicros(long micros, StringBuilder out) {
        long seconds = Math.floorDiv(micros, 1_000_000L);
        int fraction = (int) Math.floorMod(micros, 1_000_000L);
        DateTimeFormatter.ISO_LOCAL_DATE_TIME.formatTo(
                Instant.ofEpochSecond(seconds).atOffset(ZoneOffset.UTC).toLocalDateTime(), out);
        out.append('.');
        String f = Integer.toString(fraction);
        out.append("000000", 0, 6 - f.length()).append(f).append('Z');
    }

    /** Seconds with millisecond precision as ALB writes them ({@code 0.001}), or -1. */
    static void seconds(long nanos, StringBuilder out) {
        if (nanos < 0) {
            out.append("-1");
            return;
        }
        long millis = (nanos + 500_000) / 1_000_000;
        out.append(millis / 1000).append('.');
        long ms = millis % 1000;
        out.append(ms < 100 ? (ms < 10 ? "00" : "0") : "").append(ms);
    }

    private static void status(int code, StringBuilder out) {
        if (code < 0) {
            out.append('-');
        } else {
            out.append(code);
        }
    }

    static void plain(String s, StringBuilder out) {
        if (s == null || s.isEmpty()) {
            out.append('-');
            return;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            out.append(c <= ' ' || c == '"' || c >= 0x7f ? '_' : c);
        }
    }

    /** A quoted field: {@code "-"} for no value; {@code "} and {@code \} escaped, control characters as \xHH. */
    static void quoted(String s, StringBuilder out) {
        out.append('"');
        if (s == null || s.isEmpty()) {
            out.append('-');
        } else {
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < ' ' || c == 0x7f) {
                    out.append("\\x").append(Character.forDigit(c >> 4, 16)).append(Character.forDigit(c & 15, 16));
                } else {
                    out.append(c);
                }
            }
        }
        out.append('"');
    }

    private static void field(String name, String value, StringBuilder out, boolean first) {
        if (!first) {
            out.append(',');
        }
        out.append('"').append(name).append("\":");
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < ' ') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private static void number(String name, long nanos, StringBuilder out) {
        out.append(",\"").append(name).append("\":");
        seconds(nanos, out);
    }

    private static void integer(String name, long value, StringBuilder out) {
        out.append(",\"").append(name).append("\":");
        if (value < 0) {
            out.append("null");
        } else {
            out.append(value);
        }
    }
}
