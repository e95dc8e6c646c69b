package io.headroom.server.admin;

import static io.headroom.server.admin.Views.obj;

import io.headroom.core.config.AdminConfig;
import io.headroom.server.HeadroomServer;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import io.javalin.http.staticfiles.Location;
import io.javalin.util.JavalinLogger;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin server of one {@link HeadroomServer}: the JSON API under {@code /api/v1} (docs/api.md), Prometheus
 * text at {@code /metrics}, {@code /healthz}, {@code /readyz} and the dashboard's static files at {@code /}.
 *
 * <p>It runs Javalin (Jetty) on its own small thread pool, so admin traffic never runs on, or waits for, the data
 * plane's event loops. When a token is configured every request must carry {@code Authorization: Bearer <token>};
 * the token is read from the current config on each request, so a reload can change it. The listen address is
 * bound once at start.
 *
 * <pre>
 *   STARTING ──ready()──► READY ──draining()──► DRAINING ──close()──► stopped
 *   /readyz:    503           200                 503
 * </pre>
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
    static final String VERSION = "0.1.0";
    private static final int MAX_THREADS = 8;

    /** Whether Headroom is serving, as /readyz reports it. */
    public enum State { STARTING, READY, DRAINING }

    private final HeadroomServer server;
    private final Json json = new Json();
    private final PrometheusExporter prometheus;
    private final ApiRoutes routes;
    private volatile State state = State.STARTING;
    private Javalin app;

    public AdminServer(HeadroomServer server, Clock clock) {
        this.server = server;
        this.prometheus = new PrometheusExporter(server.metrics(), clock, server::metricsPublishedUntil);
        this.routes = new ApiRoutes(server, clock, json, this);
    }

    /**
     * Binds {@code config}'s host and port (0 = any free port) and starts serving.
     *
     * @throws IllegalStateException naming {@code admin.listen} when the address cannot be bound
     */
    public synchronized void start(AdminConfig config) {
        QueuedThreadPool pool = new QueuedThreadPool(MAX_THREADS, 2, 60_000);
        pool.setName("headroom-admin");
        pool.setDaemon(true);
        boolean dashboard = AdminServer.class.getResource("/dashboard/index.html") != null;
        JavalinLogger.startupInfo = false; // our own line below says where the admin API listens
        Javalin javalin = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            cfg.startupWatcherEnabled = false;
            cfg.jetty.threadPool = pool;
            cfg.http.prefer405over404 = true;
            cfg.http.defaultContentType = Json.CONTENT_TYPE;
            cfg.jetty.modifyHttpConfiguration(h -> h.setSendServerVersion(false));
            if (dashboard) {
                cfg.staticFiles.add(s -> {
                    s.hostedPath = "/";
                    s.directory = "/dashboard";
                    s.location = Location.CLASSPATH;
                    // Without these Jetty answers "text/html;charset=null".
                    s.mimeTypes.add("text/html; charset=utf-8", "html");
                    s.mimeTypes.add("text/javascript; charset=utf-8", "js", "mjs");
                    s.mimeTypes.add("text/css; charset=utf-8", "css");
                    s.mimeTypes.add("image/svg+xml", "svg");
                    s.mimeTypes.add("application/json; charset=utf-8", "json");
                });
            }
        });
        javalin.before(this::authenticate);
        javalin.get("/healthz", ctx -> json.send(ctx, 200, obj("status", "alive")));
        javalin.get("/readyz", ctx -> {
            State s = state;
            json.send(ctx, s == State.READY ? 200 : 503, obj("status", s == State.READY ? "ready"
                    : s == State.STARTING ? "starting" : "draining"));
        });
        javalin.get("/metrics", ctx -> ctx.status(200).contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(prometheus.scrape()));
        routes.register(javalin);
        javalin.exception(ApiException.class, (e, ctx) -> error(ctx, e.status, e.code, e.getMessage()));
        javalin.exception(HttpResponseException.class, (e, ctx) -> {
            int status = e.getStatus();
            if (status == 404) {
                error(ctx, 404, "NotFound", "no such path: " + ctx.method() + " " + ctx.path());
            } else if (status == 405) {
                error(ctx, 405, "MethodNotAllowed", ctx.method() + " is not allowed on " + ctx.path());
            } else {
                error(ctx, status, "Error", e.getMessage());
            }
        });
        javalin.exception(Exception.class, (e, ctx) -> {
            log.error("admin API {} {} failed", ctx.method(), ctx.path(), e);
            error(ctx, 500, "InternalError", "internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        });
        javalin.error(404, ctx -> {
            if (ctx.result() == null) {
                error(ctx, 404, "NotFound", "no such path: " + ctx.method() + " " + ctx.path());
            }
        });
        try {
            javalin.start(config.host(), config.port());
        } catch (RuntimeException e) {
            javalin.stop();
            throw new IllegalStateException("admin.listen " + config.host() + ":" + config.port()
                    + ": cannot listen there (" + rootMessage(e) + ")", e);
        }
        this.app = javalin;
        log.info("admin API on http://{}:{}/ ({})", config.host(), javalin.port(),
                config.token() == null ? "no token" : "token required");
    }

    /** The port the admin server listens on (the real one when the config said 0); -1 before start. */
    public synchronized int port() {
        return app == null ? -1 : app.port();
    }

    public State state() {
        return state;
    }

    /** Everything is bound and running: /readyz says 200. */
    public void ready() {
        state = State.READY;
    }

    /** Shutdown began: /readyz says 503 so load balancers in front of Headroom stop sending. */
    public void draining() {
        state = State.DRAINING;
    }

    @Override
    public synchronized void close() {
        if (app != null) {
            app.stop();
            app = null;
        }
        prometheus.close();
    }

    /** The browser session cookie: a digest of the token (never the token itself), HttpOnly, same-site only. */
    static final String SESSION_COOKIE = "headroom_admin";

    /**
     * With a token configured, a request is let in by {@code Authorization: Bearer <token>}, or (for the
     * dashboard, since a browser cannot add that header to a page load) by the session cookie that opening any
     * page once with {@code ?token=<token>} sets.
     */
    /** A key id is a UUID: nothing else under this path goes without the token. */
    private static final java.util.regex.Pattern OIDC_PUBLIC_KEY =
            java.util.regex.Pattern.compile("/api/v1/oidc/public-keys/[A-Za-z0-9-]{1,64}");

    private void authenticate(Context ctx) {
        String token = server.config().admin().token();
        if (token == null || token.isEmpty() || OIDC_PUBLIC_KEY.matcher(ctx.path()).matches()) {
            return; // the JWT verification keys are public, as AWS's public key endpoint is
        }
        String header = ctx.header("Authorization");
        if (header == null) {
            String session = sessionValue(token);
            String cookie = ctx.cookie(SESSION_COOKIE);
            if (cookie != null && MessageDigest.isEqual(sha256(cookie), sha256(session))) {
                return;
            }
            String query = ctx.queryParam("token");
            if (query != null && MessageDigest.isEqual(sha256(query), sha256(token))) {
                ctx.header("Set-Cookie", SESSION_COOKIE + "=" + session + "; Path=/; HttpOnly; SameSite=Strict");
                return;
            }
        }
        String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).strip() : "";
        if (!MessageDigest.isEqual(sha256(given), sha256(token))) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"headroom\"");
            throw new ApiException(401, "Unauthorized", header == null
                    ? "missing Authorization: Bearer <token> (admin.token is set; in a browser, open /?token=<token> once)"
                    : "wrong admin token");
        }
    }

    private static String sessionValue(String token) {
        return java.util.HexFormat.of().formatHex(sha256("headroom-admin-session:" + token));
    }

    /** Comparing digests keeps the compare constant-time and independent of the token's length. */
    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void error(Context ctx, int status, String code, String message) {
        json.send(ctx, status, obj("code", code, "message", message));
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
