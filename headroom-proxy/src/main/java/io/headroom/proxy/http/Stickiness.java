package io.headroom.proxy.http;

import io.headroom.core.config.StickinessConfig;
import io.headroom.core.routing.Route;
import io.headroom.core.target.TargetAddress;
import io.headroom.proxy.http.RoutingSnapshot.GroupRef;
import io.headroom.proxy.http.StickyCookies.Kind;
import io.headroom.proxy.target.Target;
import io.headroom.proxy.target.TargetGroup;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Sticky sessions of one client connection, as ALB does them with its AWSALB, AWSALBAPP and AWSALBTG cookies:
 *
 * <pre>
 *  request ─▶ group(forward)  HEADROOMLBTG names one of the forward's groups? ─yes─▶ that group
 *                                                                     └─no──▶ weighted pick
 *          ─▶ target(group)   HEADROOMLB / HEADROOMAPP names a target the group could select now?
 *                                                 ─yes─▶ that target   └─no──▶ the group's algorithm
 *  response ◀─ Set-Cookie: HEADROOMLBTG (forward stickiness), HEADROOMLB (lb_cookie, every response),
 *              HEADROOMAPP (app_cookie: when the target set cookie {@code cookieName}, or the pinned target was lost)
 * </pre>
 *
 * A pinned target that is unhealthy (while another is healthy), draining or deregistered is not selectable: the
 * request goes to a normal pick, without an error, and the response pins the new target. Cookie values are
 * tamper-evident ({@link StickyCookies}); a value that fails verification is ignored. On HTTPS listeners the
 * {@code CORS} twins ({@code HEADROOMLBCORS}, {@code HEADROOMLBTGCORS}) are set too, with
 * {@code SameSite=None; Secure}, and honoured like the originals.
 *
 * <p>Runs on the connection's event loop; exchanges never overlap. With stickiness off nothing is read or
 * allocated; with it on, the cookie header is scanned without splitting it, and the Set-Cookie strings are
 * reused within one second for the same target.
 */
final class Stickiness {
    static final String LB = "HEADROOMLB";
    static final String LB_CORS = "HEADROOMLBCORS";
    static final String APP = "HEADROOMAPP";
    static final String TG = "HEADROOMLBTG";
    static final String TG_CORS = "HEADROOMLBTGCORS";

    /** Cookie dates as ALB writes them (RFC 1123 with a two-digit day). */
    private static final DateTimeFormatter EXPIRES =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", java.util.Locale.US);

    private final StickyCookies cookies;

    // The current exchange.
    private HttpHeaders request;
    private boolean cookieRead;
    private String cookieHeader;
    private boolean groupSticky;
    private int groupDuration;
    private boolean repinApp;

    // Set-Cookie values last made on this connection, reused while still exact.
    private final Issued lastTarget = new Issued();
    private final Issued lastGroup = new Issued();

    private static final class Issued {
        Object pinned;
        String group;
        long expires;
        char kindCode;
        String value;
        String expiresText;
        String plain;
        String cors;
    }

    Stickiness(StickyCookies cookies) {
        this.cookies = cookies;
    }

    /**
     * Starts an exchange and chooses the forward's target group: the one a genuine HEADROOMLBTG cookie names when
     * the forward has target-group stickiness, else a weighted pick.
     */
    GroupRef group(Route.Forward<GroupRef> f, HttpHeaders requestHeaders, RandomGenerator rnd) {
        request = requestHeaders;
        cookieRead = false;
        cookieHeader = null;
        repinApp = false;
        StickinessConfig s = f.stickiness();
        List<GroupRef> groups = f.groups();
        groupSticky = s.enabled() && groups.size() > 1;
        if (!groupSticky) {
            return f.pick(rnd);
        }
        groupDuration = s.durationSeconds();
        String v = cookie(TG, TG_CORS);
        String name = v == null ? null : cookies.verifyGroup(v);
        if (name != null) {
            for (int i = 0; i < groups.size(); i++) {
                if (groups.get(i).group().name().equals(name)) {
                    return groups.get(i);
                }
            }
        }
        return f.pick(rnd);
    }

    /**
     * The target for this exchange in {@code group}: the one its stickiness cookie pins if the group could select
     * it now, else the group's normal choice ({@link TargetGroup#select}; null when the group has no target).
     */
    Target target(TargetGroup group) {
        StickinessConfig s = group.config().stickiness();
        if (s == null || !s.enabled()) {
            return group.select(null);
        }
        boolean app = s.type() == StickinessConfig.Type.APP_COOKIE;
        String v = app ? cookie(APP, null) : cookie(LB, LB_CORS);
        if (v != null) {
            TargetAddress a = cookies.verifyTarget(v, app ? Kind.APP : Kind.TARGET, group.name());
            Target t = a == null ? null : group.selectable(a);
            if (t != null) {
                return t;
            }
            // Lost (or forged) pin: balance normally; with app_cookie the response pins the new target.
            repinApp = app;
        }
        return group.select(null);
    }

    /** Adds the stickiness cookies to the target's final response for this exchange. */
    void onResponse(HttpHeaders response, GroupRef group, Target target, boolean https) {
        StickinessConfig s = group.group().config().stickiness();
        boolean targetSticky = s != null && s.enabled() && target != null;
        if (!groupSticky && !targetSticky) {
            return; // the usual case: no cookie, no clock read
        }
        long now = cookies.nowSeconds();
        if (groupSticky) {
            Issued i = issue(lastGroup, group.group().name(), group.group().name(), null, now + groupDuration);
            add(response, TG, TG_CORS, i, https);
        }
        if (!targetSticky) {
            return;
        }
        if (s.type() == StickinessConfig.Type.LB_COOKIE) {
            Issued i = issue(lastTarget, target, group.group().name(), Kind.TARGET, now + s.durationSeconds());
            add(response, LB, LB_CORS, i, https);
        } else if (repinApp || setsCookie(response, s.cookieName())) {
            Issued i = issue(lastTarget, target, group.group().name(), Kind.APP, now + s.durationSeconds());
            add(response, APP, null, i, false);
        }
    }

    private Issued issue(Issued cache, Object pinned, String group, Kind kind, long expires) {
        char code = kind == null ? Kind.GROUP.code : kind.code;
        if (cache.pinned == pinned && cache.expires == expires && cache.kindCode == code && group.equals(cache.group)) {
            return cache;
        }
        cache.pinned = pinned;
        cache.group = group;
        cache.expires = expires;
        cache.kindCode = code;
        cache.value = kind == null ? cookies.group(group, expires)
                : cookies.target(kind, group, ((Target) pinned).address(), expires);
        cache.expiresText = EXPIRES.format(Instant.ofEpochSecond(expires).atOffset(ZoneOffset.UTC));
        cache.plain = null;
        cache.cors = null;
        return cache;
    }

    /** Set-Cookie {@code name} (and {@code corsName} with SameSite=None; Secure on HTTPS), as ALB's AWSALB pair. */
    private static void add(HttpHeaders response, String name, String corsName, Issued i, boolean https) {
        if (i.plain == null || !i.plain.startsWith(name) || i.plain.charAt(name.length()) != '=') {
            i.plain = name + "=" + i.value + "; Expires=" + i.expiresText + "; Path=/";
            i.cors = corsName == null ? null
                    : corsName + "=" + i.value + "; Expires=" + i.expiresText + "; Path=/; SameSite=None; Secure";
        }
        response.add(HttpHeaderNames.SET_COOKIE, i.plain);
        if (https && i.cors != null) {
            response.add(HttpHeaderNames.SET_COOKIE, i.cors);
        }
    }

    /** The value of cookie {@code name} (else {@code alt}, may be null) in the request, or null. */
    private String cookie(String name, String alt) {
        if (!cookieRead) {
            cookieRead = true;
            cookieHeader = request.get(HttpHeaderNames.COOKIE);
        }
        if (cookieHeader == null) {
            return null;
        }
        String v = find(cookieHeader, name);
        return v == null && alt != null ? find(cookieHeader, alt) : v;
    }

    /** Finds cookie {@code name} in a Cookie header ({@code a=1; b=2}) without splitting it; null when absent. */
    static String find(String header, String name) {
        int n = header.length();
        int i = 0;
        while (i < n) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ';' || header.charAt(i) == '\t')) {
                i++;
            }
            int end = header.indexOf(';', i);
            if (end < 0) {
                end = n;
            }
            int eq = header.indexOf('=', i);
            if (eq > i && eq < end && eq - i == name.length() && header.startsWith(name, i)) {
                int vs = eq + 1;
                int ve = end;
                while (ve > vs && header.charAt(ve - 1) == ' ') {
                    ve--;
                }
                if (ve - vs >= 2 && header.charAt(vs) == '"' && header.charAt(ve - 1) == '"') {
                    vs++;
                    ve--;
                }
                return header.substring(vs, ve);
            }
            i = end + 1;
        }
        return null;
    }

    /** True when the response sets cookie {@code name} (the application's session cookie). */
    static boolean setsCookie(HttpHeaders response, String name) {
        if (name == null || !response.contains(HttpHeaderNames.SET_COOKIE)) {
            return false;
        }
        for (String v : response.getAll(HttpHeaderNames.SET_COOKIE)) {
            String t = v.stripLeading();
            if (t.startsWith(name) && t.length() > name.length()) {
                int j = name.length();
                while (j < t.length() && t.charAt(j) == ' ') {
                    j++;
                }
                if (j < t.length() && t.charAt(j) == '=') {
                    return true;
                }
            }
        }
        return false;
    }
}
