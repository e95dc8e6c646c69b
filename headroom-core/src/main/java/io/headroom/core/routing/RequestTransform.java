package io.headroom.core.routing;

import com.google.re2j.Matcher;
import com.google.re2j.Pattern;
import io.headroom.core.config.RuleRegex;
import io.headroom.core.config.RuleTransformConfig;
import java.util.List;

/**
 * A rule's transforms, compiled once at config load: the URL rewrite and the host header rewrite that the proxy
 * applies to a forwarded request after the rule matched (the routing decision stands) and before the request goes
 * to its target. AWS's semantics: the first match of the regex is replaced; no match leaves the value as the client
 * sent it; a match whose result is not a valid request-target or Host value fails the transform, and the load
 * balancer answers 500 itself. Immutable and safe to share between event loops; RE2J matches in linear time.
 */
public final class RequestTransform {
    private final Pattern url;
    private final String urlReplace;
    private final Pattern host;
    private final String hostReplace;

    private RequestTransform(Pattern url, String urlReplace, Pattern host, String hostReplace) {
        this.url = url;
        this.urlReplace = urlReplace;
        this.host = host;
        this.hostReplace = hostReplace;
    }

    /**
     * Compiles a rule's transforms; null when there are none (the proxy's fast path checks only that).
     *
     * @throws IllegalArgumentException naming {@code at} when a regex or replacement is invalid or a type repeats
     */
    public static RequestTransform compile(List<RuleTransformConfig> transforms, String at) {
        if (transforms == null || transforms.isEmpty()) {
            return null;
        }
        Pattern url = null;
        String urlReplace = null;
        Pattern host = null;
        String hostReplace = null;
        for (int i = 0; i < transforms.size(); i++) {
            RuleTransformConfig t = transforms.get(i);
            String tat = at + "[" + i + "]";
            Pattern p;
            try {
                p = RuleRegex.compile(t.regex());
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(tat + ".regex: " + e.getMessage(), e);
            }
            String problem = RuleRegex.replacementProblem(p, t.replace());
            if (problem != null) {
                throw new IllegalArgumentException(tat + ".replace: " + problem);
            }
            boolean isUrl = t.type() == RuleTransformConfig.Type.URL_REWRITE;
            if (isUrl ? url != null : host != null) {
                throw new IllegalArgumentException(tat + ".type: " + t.type().awsName()
                        + " twice (expected: at most one of each type per rule)");
            }
            if (isUrl) {
                url = p;
                urlReplace = t.replace();
            } else {
                host = p;
                hostReplace = t.replace();
            }
        }
        return new RequestTransform(url, urlReplace, host, hostReplace);
    }

    /**
     * The request-target (origin-form, {@code path?query}) to send: {@code target} itself (the same instance) when
     * there is no URL rewrite or its regex does not match, the rewritten one, or null when the rewrite matched but
     * its result is not a request-target (empty, not starting with "/", or with a space, control or non-ASCII
     * character): the transform failed.
     */
    public String url(String target) {
        if (url == null) {
            return target;
        }
        String out = replaceFirst(url, urlReplace, target);
        return out == target || validTarget(out) ? out : null;
    }

    /**
     * The Host header value to send (as the client sent it, with its {@code :port}): {@code hostValue} itself when
     * there is no host header rewrite, no Host header (null) or no match, the rewritten one, or null when the
     * rewrite matched but its result is not a Host value (empty, or a character other than letters, digits,
     * {@code -._~!$&'()*+,;=%:[]}): the transform failed.
     */
    public String host(String hostValue) {
        if (host == null || hostValue == null) {
            return hostValue;
        }
        String out = replaceFirst(host, hostReplace, hostValue);
        return out == hostValue || validHost(out) ? out : null;
    }

    /** Whether there is a URL rewrite ({@link #url} may change the request-target). */
    public boolean rewritesUrl() {
        return url != null;
    }

    /** Whether there is a host header rewrite. */
    public boolean rewritesHost() {
        return host != null;
    }

    /** {@code input} itself when {@code p} does not match, else with the first match replaced. */
    private static String replaceFirst(Pattern p, String replace, String input) {
        Matcher m = p.matcher(input);
        if (!m.find()) {
            return input;
        }
        StringBuilder out = new StringBuilder(input.length() + replace.length());
        m.appendReplacement(out, replace);
        m.appendTail(out);
        return out.toString();
    }

    static boolean validTarget(String s) {
        if (s.isEmpty() || s.charAt(0) != '/') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        return true;
    }

    static boolean validHost(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "-._~!$&'()*+,;=%:[]".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "RequestTransform[url=" + (url == null ? null : url.pattern() + " -> " + urlReplace)
                + ", host=" + (host == null ? null : host.pattern() + " -> " + hostReplace) + "]";
    }
}
