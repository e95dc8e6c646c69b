package io.headroom.server.notify;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.headroom.core.alarm.AlarmTransition;
import io.headroom.core.config.NotificationConfig;
import io.headroom.scaling.Activity;
import io.headroom.scaling.GroupCapacity;
import io.headroom.scaling.GroupListener;
import io.headroom.scaling.LifecycleAction;
import io.headroom.scaling.PolicyAlarm;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.Semaphore;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends the config's {@code notifications}: a JSON body POSTed to each webhook for every event of the kinds it
 * lists.
 *
 * <pre>
 *   group (controller thread, under its lock) ──event──► bounded queue (1000; full: drop the oldest, WARN)
 *        ──► dispatcher thread ──► HttpClient.sendAsync (≤ 16 in flight) ──► webhook
 *                                      │ connection error or 5xx
 *                                      └──► again after 1 s, 2 s, 4 s (4 attempts in all), then WARN
 * </pre>
 *
 * Bodies: {@code {"event": kind, "time": ISO-8601, "group": name, ...}} with, for {@code alarm}, an
 * {@code alarm} object (name, policy, condition, oldState, newState, reason); for {@code scaling}, minSize,
 * maxSize, desiredCapacity and previousDesiredCapacity; for {@code lifecycle} (an instance began to wait on a
 * lifecycle hook), a {@code lifecycleAction} object (token, hook, instance, transition, metadata, heartbeat timeout,
 * the instance's host and port); for {@code launch}, {@code terminate} and
 * {@code activity}, an {@code activity} object (AWS's fields). {@code launch} and {@code terminate} are sent
 * when such an activity ends; {@code activity} at every change of every activity.
 *
 * <p>The listener methods only put the event on the queue: a slow or dead receiver never delays the
 * controller or the data plane.
 */
public final class Notifier implements GroupListener, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Notifier.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    static final int QUEUE_CAPACITY = 1000;
    static final int MAX_IN_FLIGHT = 16;
    static final int ATTEMPTS = 4;
    static final Duration WARN_EVERY = Duration.ofSeconds(60);

    /** Counters for the admin API. */
    public record Stats(long sent, long failed, long dropped, int queued) {}

    private record Event(String kind, Instant time, String group, Map<String, Object> fields) {}

    private final Clock clock;
    private final Duration firstRetry;
    private final int capacity;
    private final ArrayDeque<Event> queue = new ArrayDeque<>(); // guarded by itself
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);
    private final ExecutorService httpExecutor = Executors.newFixedThreadPool(2, daemon("headroom-notify-http"));
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(daemon("headroom-notify-retry"));
    private final HttpClient http;
    private final Thread dispatcher;
    private final AtomicLong sent = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong dropped = new AtomicLong();
    private final Map<String, Long> lastWarn = new ConcurrentHashMap<>();
    private volatile List<NotificationConfig> hooks;
    private volatile boolean closed;

    /** Webhooks from the config; retries after 1 s, 2 s and 4 s. */
    public Notifier(List<NotificationConfig> hooks, Clock clock) {
        this(hooks, clock, Duration.ofSeconds(1), QUEUE_CAPACITY);
    }

    /** For tests: {@code firstRetry} is the first retry delay (then doubled), {@code capacity} the queue's bound. */
    Notifier(List<NotificationConfig> hooks, Clock clock, Duration firstRetry, int capacity) {
        this.hooks = List.copyOf(hooks);
        this.clock = clock;
        this.firstRetry = firstRetry;
        this.capacity = capacity;
        this.http = HttpClient.newBuilder().executor(httpExecutor).connectTimeout(Duration.ofSeconds(5))
                .followRedirects(HttpClient.Redirect.NEVER).build();
        this.dispatcher = new Thread(this::dispatch, "headroom-notify");
        this.dispatcher.setDaemon(true);
        this.dispatcher.start();
    }

    /** Takes the webhooks of a reloaded config; events already queued go to the new ones. */
    public void apply(List<NotificationConfig> next) {
        hooks = List.copyOf(next);
    }

    public Stats stats() {
        int queued;
        synchronized (queue) {
            queued = queue.size();
        }
        return new Stats(sent.get(), failed.get(), dropped.get(), queued);
    }

    // ------------------------------------------------------------------ events (caller's thread: enqueue only)

    @Override
    public void activity(Activity a) {
        if (hooks.isEmpty()) {
            return;
        }
        Instant time = a.endTime() != null ? a.endTime() : a.startTime();
        enqueue(new Event("activity", time, a.groupName(), Map.of("activity", a)));
        if (a.endTime() != null) {
            if (a.description().startsWith("Launching a new EC2 instance")) {
                enqueue(new Event("launch", time, a.groupName(), Map.of("activity", a)));
            } else if (a.description().startsWith("Terminating EC2 instance")) {
                enqueue(new Event("terminate", time, a.groupName(), Map.of("activity", a)));
            }
        }
    }

    @Override
    public void capacityChanged(GroupCapacity c) {
        if (hooks.isEmpty()) {
            return;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("minSize", c.minSize());
        f.put("maxSize", c.maxSize());
        f.put("desiredCapacity", c.desiredCapacity());
        f.put("previousDesiredCapacity", c.previousDesiredCapacity());
        enqueue(new Event("scaling", clock.instant(), c.groupName(), f));
    }

    @Override
    public void lifecycleActionStarted(LifecycleAction a) {
        if (hooks.isEmpty()) {
            return;
        }
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("lifecycleActionToken", a.lifecycleActionToken());
        f.put("lifecycleHookName", a.lifecycleHookName());
        f.put("instanceId", a.instanceId());
        f.put("lifecycleTransition", a.lifecycleTransition());
        f.put("notificationMetadata", a.notificationMetadata());
        f.put("heartbeatTimeoutTime", a.heartbeatTimeoutTime().toString());
        f.put("host", a.host());
        f.put("port", a.port() == 0 ? null : a.port());
        enqueue(new Event("lifecycle", a.startTime(), a.groupName(), Map.of("lifecycleAction", f)));
    }

    @Override
    public void alarmChanged(String groupName, PolicyAlarm alarm) {
        if (hooks.isEmpty() || alarm.history().isEmpty()) {
            return;
        }
        AlarmTransition t = alarm.history().get(alarm.history().size() - 1);
        Map<String, Object> a = new LinkedHashMap<>();
        a.put("name", alarm.alarmName());
        a.put("policy", alarm.policyName());
        a.put("condition", alarm.condition());
        a.put("oldState", t.from().name());
        a.put("newState", t.to().name());
        a.put("reason", t.reason());
        enqueue(new Event("alarm", t.at(), groupName, Map.of("alarm", a)));
    }

    private void enqueue(Event e) {
        if (closed) {
            return;
        }
        boolean wanted = false;
        for (NotificationConfig h : hooks) {
            wanted |= h.wants(e.kind());
        }
        if (!wanted) {
            return;
        }
        Event lost = null;
        synchronized (queue) {
            if (queue.size() >= capacity) {
                lost = queue.pollFirst();
            }
            queue.addLast(e);
            queue.notifyAll();
        }
        if (lost != null) {
            long n = dropped.incrementAndGet();
            warn("queue", "notifications: the queue is full (" + capacity + " events); dropped the oldest ("
                    + lost.kind() + " of group " + lost.group() + "), " + n + " dropped so far");
        }
    }

    // ------------------------------------------------------------------ sending (dispatcher and HTTP threads)

    private void dispatch() {
        while (!closed) {
            Event e;
            synchronized (queue) {
                while (queue.isEmpty() && !closed) {
                    try {
                        queue.wait();
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                e = queue.pollFirst();
            }
            String body;
            try {
                body = JSON.writeValueAsString(body(e));
            } catch (JsonProcessingException ex) {
                log.warn("notifications: cannot write the {} event as JSON", e.kind(), ex);
                continue;
            }
            for (NotificationConfig h : hooks) {
                if (!h.wants(e.kind())) {
                    continue;
                }
                try {
                    inFlight.acquire(); // bounds what a slow receiver can hold; the queue absorbs the rest
                } catch (InterruptedException ie) {
                    return;
                }
                send(h, e.kind(), body, 1);
            }
        }
    }

    private static Map<String, Object> body(Event e) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("event", e.kind());
        m.put("time", e.time().toString());
        m.put("group", e.group());
        for (Map.Entry<String, Object> f : e.fields().entrySet()) {
            m.put(f.getKey(), f.getValue() instanceof Activity a ? activityJson(a) : f.getValue());
        }
        return m;
    }

    private static Map<String, Object> activityJson(Activity a) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("activityId", a.activityId());
        m.put("autoScalingGroupName", a.groupName());
        m.put("description", a.description());
        m.put("cause", a.cause());
        m.put("startTime", a.startTime().toString());
        m.put("endTime", a.endTime() == null ? null : a.endTime().toString());
        m.put("statusCode", a.statusCode());
        m.put("statusMessage", a.statusMessage());
        m.put("progress", a.progress());
        return m;
    }

    /** One attempt; holds an in-flight permit until the delivery succeeds or gives up. */
    private void send(NotificationConfig h, String kind, String body, int attempt) {
        HttpRequest req;
        try {
            req = HttpRequest.newBuilder(URI.create(h.url())).timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/json").header("User-Agent", "Headroom")
                    .header("X-Headroom-Event", kind).POST(HttpRequest.BodyPublishers.ofString(body)).build();
        } catch (RuntimeException e) {
            giveUp(h, kind, "bad request: " + e.getMessage());
            return;
        }
        java.util.concurrent.CompletableFuture<HttpResponse<Void>> f;
        try {
            f = http.sendAsync(req, HttpResponse.BodyHandlers.discarding());
        } catch (RuntimeException e) {
            giveUp(h, kind, describe(e));
            return;
        }
        f.whenComplete((resp, error) -> {
            if (error == null && resp.statusCode() < 300) {
                sent.incrementAndGet();
                inFlight.release();
                return;
            }
            boolean retryable = error != null || resp.statusCode() >= 500;
            String why = error != null ? describe(error) : "HTTP " + resp.statusCode();
            if (!retryable || attempt >= ATTEMPTS || closed) {
                giveUp(h, kind, why + " after " + attempt + " attempt" + (attempt == 1 ? "" : "s"));
                return;
            }
            long delay = firstRetry.toMillis() << (attempt - 1);
            try {
                retries.schedule(() -> send(h, kind, body, attempt + 1), delay, TimeUnit.MILLISECONDS);
            } catch (RuntimeException rejected) {
                giveUp(h, kind, why + " (shutting down)");
            }
        });
    }

    private void giveUp(NotificationConfig h, String kind, String why) {
        failed.incrementAndGet();
        inFlight.release();
        warn(h.url(), "notifications: POST of a " + kind + " event to " + h.url() + " failed: " + why);
    }

    /** At most one WARN per minute per topic, so a dead receiver does not flood the log. */
    private void warn(String topic, String message) {
        long now = System.nanoTime();
        Long last = lastWarn.get(topic);
        if (last == null || now - last >= WARN_EVERY.toNanos()) {
            lastWarn.put(topic, now);
            log.warn(message);
        }
    }

    private static String describe(Throwable t) {
        Throwable c = t instanceof java.util.concurrent.CompletionException && t.getCause() != null ? t.getCause() : t;
        String m = c.getMessage();
        return c instanceof IOException && (m == null || m.isBlank()) ? c.getClass().getSimpleName()
                : c.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }

    /** Stops sending; queued events and retries are dropped. */
    @Override
    public void close() {
        closed = true;
        synchronized (queue) {
            queue.clear();
            queue.notifyAll();
        }
        dispatcher.interrupt();
        retries.shutdownNow();
        httpExecutor.shutdownNow();
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
