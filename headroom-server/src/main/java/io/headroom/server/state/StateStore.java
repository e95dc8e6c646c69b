package io.headroom.server.state;

import io.headroom.core.alarm.AlarmState;
import io.headroom.core.alarm.AlarmTransition;
import io.headroom.core.config.AutoScalingGroupConfig;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.metrics.Datapoint;
import io.headroom.core.metrics.Dimensions;
import io.headroom.core.metrics.HistoryMetricStore;
import io.headroom.core.metrics.MetricKey;
import io.headroom.core.metrics.MetricStore;
import io.headroom.core.metrics.MinuteHistory;
import io.headroom.core.metrics.MinuteRollup;
import io.headroom.core.metrics.Statistic;
import io.headroom.core.target.TargetAddress;
import io.headroom.core.target.TargetHealth;
import io.headroom.core.target.TargetRegistry;
import io.headroom.scaling.Activity;
import io.headroom.scaling.AutoScalingController;
import io.headroom.scaling.AutoScalingGroup;
import io.headroom.scaling.GroupCapacity;
import io.headroom.scaling.GroupListener;
import io.headroom.scaling.PolicyAlarm;
import io.headroom.scaling.ScalingProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Headroom's durable state: one SQLite database, {@code stateDir/headroom.db}.
 *
 * <h2>What is kept</h2>
 * <ul>
 *   <li>{@code group_capacity}: each group's minSize, maxSize and desiredCapacity as last changed at run time,
 *       with the config file's desiredCapacity at that moment;</li>
 *   <li>{@code suspended_process}: each group's suspended processes (SuspendProcesses) with their reasons; they
 *       stay suspended across a restart, as on AWS;</li>
 *   <li>{@code runtime_target}: targets registered at run time through {@link #runtimeTargets} (the admin
 *       API); an auto scaling group's own instances are not kept: they end with Headroom;</li>
 *   <li>{@code activity}: the activity history, the newest 500 per group;</li>
 *   <li>{@code alarm_history}: alarm state changes, 15 days;</li>
 *   <li>{@code metric_minute}: every metric series rolled up to one minute (Sum, SampleCount, Minimum,
 *       Maximum, p50, p90, p99), 15 days, for predictive scaling.</li>
 * </ul>
 *
 * <h2>Restart rule</h2>
 * {@link #attach} gives each group its saved desired capacity, clamped to the config's minSize..maxSize,
 * unless the config file's desiredCapacity is not the one saved with it: then the file was edited since and
 * the file wins. Saved activities are listed after the new ones.
 *
 * <h2>Threads</h2>
 * Writers ({@link GroupListener} calls on the controller thread, {@link #runtimeTargets} on admin threads)
 * only put a small closure on a queue; one writer thread ({@code headroom-state-writer}) takes everything
 * queued, writes it in one transaction, and once a minute rolls up the metric store. Nothing on a Netty event
 * loop or a controller tick waits for the disk. Reads (at start, for the admin API) share the one connection
 * under its lock.
 *
 * <h2>Failures never stop the load balancer</h2>
 * A file that is not a sound SQLite database is moved aside as {@code headroom.db.corrupt-<timestamp>} and a
 * fresh one started; a state directory or file that cannot be written leaves Headroom running without
 * persistence. Either way one ERROR line names the file and the problem, and {@link #status()} tells.
 */
public final class StateStore implements GroupListener, MinuteHistory, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(StateStore.class);

    public static final String FILE_NAME = "headroom.db";
    /** How long alarm changes and metric minutes are kept. */
    public static final Duration RETENTION = Duration.ofDays(15);
    /** Activities kept per group (as many as a group lists). */
    static final int ACTIVITIES_PER_GROUP = 500;
    /** A minute is rolled up this long after it ends, once the 1-second publisher has written its last second. */
    static final Duration SETTLE = Duration.ofSeconds(5);
    /** The in-memory metric store keeps an hour: never look back further than that. */
    static final Duration MAX_BACKFILL = Duration.ofHours(1);
    static final int QUEUE_CAPACITY = 50_000;
    static final Duration PRUNE_EVERY = Duration.ofHours(1);

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    /** One write, run on the writer thread inside a transaction. */
    @FunctionalInterface
    private interface Write {
        void apply(Connection c) throws SQLException;
    }

    private final Path file;
    private final Clock clock;
    private final Connection db; // null when not persisting; guarded by itself
    private final BlockingQueue<Write> queue = new LinkedBlockingQueue<>(QUEUE_CAPACITY);
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private final Map<MetricKey, Long> seriesIds = new HashMap<>(); // writer thread (and tests) under db lock
    private volatile StateStatus status;
    private volatile MetricStore metrics;
    private volatile boolean closed;
    private volatile long rolledUntil = Long.MIN_VALUE; // epoch second, exclusive; written under db lock
    private Instant lastPrune = Instant.MIN; // writer thread
    private String lastWriteError; // writer thread

    private StateStore(Path file, Clock clock, Connection db, StateStatus status) {
        this.file = file;
        this.clock = clock;
        this.db = db;
        this.status = status;
        if (db != null) {
            writer = new Thread(this::runWriter, "headroom-state-writer");
            writer.setDaemon(true);
            writer.start();
        } else {
            writer = null;
        }
    }

    /**
     * Opens (or creates) {@code stateDir/headroom.db}. Never throws: a corrupt file is moved aside and a fresh
     * one started; a file or directory that cannot be used gives a store that keeps nothing. Both are logged as
     * one ERROR line and shown by {@link #status()}.
     */
    public static StateStore open(Path stateDir, Clock clock) {
        Path file = stateDir.resolve(FILE_NAME);
        try {
            Files.createDirectories(stateDir);
        } catch (IOException | RuntimeException e) {
            return disabled(file, clock, "cannot create the state directory " + stateDir + " (" + describe(e) + ")");
        }
        try {
            Connection c = connect(file);
            return new StateStore(file, clock, c, new StateStatus(file, true, null));
        } catch (RuntimeException | LinkageError e) {
            // e.g. the bundled native library cannot be loaded (a noexec java.io.tmpdir; see org.sqlite.tmpdir)
            return disabled(file, clock, "SQLite cannot be used here (" + describe(e) + ")");
        } catch (SQLException e) {
            if (!isCorrupt(e)) {
                return disabled(file, clock, "cannot open or write it (" + describe(e) + ")");
            }
            Path aside = file.resolveSibling(FILE_NAME + ".corrupt-" + STAMP.format(clock.instant()));
            try {
                Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
                for (String suffix : List.of("-wal", "-shm", "-journal")) {
                    Path side = file.resolveSibling(FILE_NAME + suffix);
                    if (Files.exists(side)) {
                        Files.move(side, aside.resolveSibling(aside.getFileName() + suffix), StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            } catch (IOException | RuntimeException moveFailed) {
                return disabled(file, clock, "it is corrupt (" + describe(e) + ") and could not be moved aside ("
                        + describe(moveFailed) + ")");
            }
            String problem = "state file " + file + " was corrupt (" + describe(e) + "); moved it aside as " + aside
                    + " and started a fresh one";
            log.error(problem);
            try {
                return new StateStore(file, clock, connect(file), new StateStatus(file, true, problem));
            } catch (SQLException | RuntimeException again) {
                return disabled(file, clock, "it was corrupt and moved aside as " + aside + ", but a fresh one cannot be made ("
                        + describe(again) + ")");
            }
        }
    }

    private static StateStore disabled(Path file, Clock clock, String what) {
        String problem = "state file " + file + ": " + what + "; running without saving state";
        log.error(problem);
        return new StateStore(file, clock, null, new StateStatus(file, false, problem));
    }

    private static Connection connect(Path file) throws SQLException {
        Connection c = DriverManager.getConnection("jdbc:sqlite:" + file.toAbsolutePath());
        try {
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA busy_timeout = 2000");
                try (ResultSet r = s.executeQuery("PRAGMA quick_check")) {
                    String verdict = r.next() ? r.getString(1) : "no answer";
                    if (!"ok".equalsIgnoreCase(verdict)) {
                        throw new CorruptException("integrity check failed: " + verdict);
                    }
                }
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA synchronous = NORMAL");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS group_capacity(
                          group_name TEXT PRIMARY KEY, min_size INTEGER NOT NULL, max_size INTEGER NOT NULL,
                          desired_capacity INTEGER NOT NULL, configured_desired_capacity INTEGER NOT NULL,
                          saved_at INTEGER NOT NULL)""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS suspended_process(
                          group_name TEXT NOT NULL, process TEXT NOT NULL, reason TEXT NOT NULL, position INTEGER NOT NULL,
                          PRIMARY KEY (group_name, process))""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS runtime_target(
                          target_group TEXT NOT NULL, host TEXT NOT NULL, port INTEGER NOT NULL,
                          registered_at INTEGER NOT NULL, PRIMARY KEY (target_group, host, port))""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS activity(
                          activity_id TEXT PRIMARY KEY, group_name TEXT NOT NULL, description TEXT NOT NULL,
                          cause TEXT, start_time INTEGER NOT NULL, end_time INTEGER, status_code TEXT NOT NULL,
                          status_message TEXT, progress INTEGER NOT NULL)""");
                s.execute("CREATE INDEX IF NOT EXISTS activity_by_group ON activity(group_name, start_time)");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS alarm_history(
                          group_name TEXT NOT NULL, policy_name TEXT NOT NULL, alarm_name TEXT NOT NULL,
                          at INTEGER NOT NULL, old_state TEXT NOT NULL, new_state TEXT NOT NULL, reason TEXT)""");
                s.execute("CREATE INDEX IF NOT EXISTS alarm_history_by_time ON alarm_history(at)");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS metric_series(
                          series_id INTEGER PRIMARY KEY, name TEXT NOT NULL, dimensions TEXT NOT NULL,
                          UNIQUE (name, dimensions))""");
                s.execute("""
                        CREATE TABLE IF NOT EXISTS metric_minute(
                          series_id INTEGER NOT NULL, minute INTEGER NOT NULL, sum REAL NOT NULL,
                          sample_count INTEGER NOT NULL, minimum REAL NOT NULL, maximum REAL NOT NULL,
                          p50 REAL, p90 REAL, p99 REAL, PRIMARY KEY (series_id, minute)) WITHOUT ROWID""");
                s.execute("CREATE INDEX IF NOT EXISTS metric_minute_by_time ON metric_minute(minute)");
                s.execute("PRAGMA user_version = 1");
            }
            c.setAutoCommit(false);
            return c;
        } catch (SQLException | RuntimeException e) {
            try {
                c.close();
            } catch (SQLException ignored) {
                // already failing
            }
            throw e;
        }
    }

    /** Thrown when the file opens but SQLite's own check finds it damaged. */
    private static final class CorruptException extends SQLException {
        CorruptException(String message) {
            super(message);
        }
    }

    private static boolean isCorrupt(SQLException e) {
        if (e instanceof CorruptException) {
            return true;
        }
        // SQLITE_CORRUPT (11) and SQLITE_NOTADB (26): the bytes are not a sound database.
        int code = e.getErrorCode() & 0xff;
        String m = String.valueOf(e.getMessage());
        return code == 11 || code == 26 || m.contains("SQLITE_NOTADB") || m.contains("SQLITE_CORRUPT")
                || m.contains("not a database") || m.contains("malformed");
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        if (m == null || m.isBlank()) {
            return e.getClass().getSimpleName();
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason() + ": " + fse.getFile();
        }
        if (e instanceof java.nio.file.FileAlreadyExistsException) {
            return "a file, not a directory, is in the way: " + m;
        }
        return m.replace('\n', ' ');
    }

    // ------------------------------------------------------------------ status

    /** How durable state is doing (the admin API shows this). */
    public StateStatus status() {
        return status;
    }

    /** The database file. */
    public Path file() {
        return file;
    }

    // ------------------------------------------------------------------ wiring

    /**
     * Connects the store to a starting Headroom, before the controller's first tick: listens to every group
     * (and groups a reload adds), gives each group its saved desired capacity (see the restart rule above)
     * and activities, re-registers the runtime targets whose target groups still exist, and rolls up
     * {@code metricStore} once a minute from now on.
     */
    public void attach(HeadroomConfig config, AutoScalingController controller, TargetRegistry targets, MetricStore metricStore) {
        controller.addListener(this);
        if (db == null) {
            return;
        }
        for (AutoScalingGroup g : controller.groups()) {
            try {
                restore(g, config.autoScalingGroup(g.name()).orElse(null));
            } catch (RuntimeException e) {
                log.warn("state: restoring auto scaling group {} failed", g.name(), e);
            }
        }
        for (SavedTarget t : savedTargets()) {
            try {
                targets.register(t.targetGroup(), t.target());
                log.info("state: re-registered {} in target group {} (registered at run time before the restart)",
                        t.target(), t.targetGroup());
            } catch (RuntimeException e) {
                log.info("state: forgetting runtime target {} of target group {}: {}", t.target(), t.targetGroup(),
                        e.getMessage());
                enqueue(c -> deleteTarget(c, t.targetGroup(), t.target()));
            }
        }
        startRollups(metricStore);
    }

    /** From now on the writer thread rolls up {@code metricStore} each minute (by the store's clock). */
    void startRollups(MetricStore metricStore) {
        this.metrics = metricStore;
    }

    private void restore(AutoScalingGroup g, AutoScalingGroupConfig cfg) {
        List<Activity> history = activities(g.name(), ACTIVITIES_PER_GROUP);
        Optional<SavedCapacity> saved = capacity(g.name());
        int desired = g.desiredCapacity();
        if (saved.isPresent() && cfg != null) {
            if (saved.get().configuredDesiredCapacity() == cfg.desiredCapacity()) {
                desired = saved.get().desiredCapacity();
            } else {
                log.info("state: auto scaling group {}: the config's desiredCapacity changed since the saved one ({} -> {}):"
                        + " the file wins", g.name(), saved.get().configuredDesiredCapacity(), cfg.desiredCapacity());
            }
        }
        g.restore(desired, history);
        Map<ScalingProcess, String> suspended = suspendedProcesses(g.name());
        if (!suspended.isEmpty()) {
            g.restoreSuspendedProcesses(suspended);
        }
        // Activities the last run never ended are listed as Cancelled now: save that too.
        java.util.Set<String> unfinished = new java.util.HashSet<>();
        history.stream().filter(a -> a.endTime() == null).forEach(a -> unfinished.add(a.activityId()));
        if (!unfinished.isEmpty()) {
            g.activities().stream().filter(a -> unfinished.contains(a.activityId())).forEach(this::activity);
        }
    }

    /**
     * A {@link TargetRegistry} for registrations made at run time by a user (the admin API): it registers in
     * {@code delegate} and saves the registration, so that it comes back after a restart; deregistering
     * forgets it.
     */
    public TargetRegistry runtimeTargets(TargetRegistry delegate) {
        return new TargetRegistry() {
            @Override
            public void register(String targetGroup, TargetAddress target) {
                delegate.register(targetGroup, target);
                long now = clock.millis();
                enqueue(c -> {
                    try (PreparedStatement p = c.prepareStatement("INSERT INTO runtime_target(target_group, host, port,"
                            + " registered_at) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                        p.setString(1, targetGroup);
                        p.setString(2, target.host());
                        p.setInt(3, target.port());
                        p.setLong(4, now);
                        p.executeUpdate();
                    }
                });
            }

            @Override
            public CompletableFuture<Void> deregister(String targetGroup, TargetAddress target) {
                CompletableFuture<Void> f = delegate.deregister(targetGroup, target);
                enqueue(c -> deleteTarget(c, targetGroup, target));
                return f;
            }

            @Override
            public List<TargetHealth> describe(String targetGroup) {
                return delegate.describe(targetGroup);
            }
        };
    }

    private static void deleteTarget(Connection c, String targetGroup, TargetAddress target) throws SQLException {
        try (PreparedStatement p = c.prepareStatement("DELETE FROM runtime_target WHERE target_group = ? AND host = ? AND port = ?")) {
            p.setString(1, targetGroup);
            p.setString(2, target.host());
            p.setInt(3, target.port());
            p.executeUpdate();
        }
    }

    // ------------------------------------------------------------------ GroupListener (controller thread: enqueue only)

    @Override
    public void activity(Activity a) {
        enqueue(c -> {
            try (PreparedStatement p = c.prepareStatement("""
                    INSERT INTO activity(activity_id, group_name, description, cause, start_time, end_time, status_code,
                      status_message, progress) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                    ON CONFLICT(activity_id) DO UPDATE SET end_time = excluded.end_time, status_code = excluded.status_code,
                      status_message = excluded.status_message, progress = excluded.progress""")) {
                p.setString(1, a.activityId());
                p.setString(2, a.groupName());
                p.setString(3, a.description());
                p.setString(4, a.cause());
                p.setLong(5, a.startTime().toEpochMilli());
                if (a.endTime() == null) {
                    p.setNull(6, Types.INTEGER);
                } else {
                    p.setLong(6, a.endTime().toEpochMilli());
                }
                p.setString(7, a.statusCode());
                p.setString(8, a.statusMessage());
                p.setInt(9, a.progress());
                p.executeUpdate();
            }
        });
    }

    @Override
    public void processesChanged(String groupName, Map<ScalingProcess, String> suspended) {
        Map<ScalingProcess, String> copy = new LinkedHashMap<>(suspended);
        enqueue(c -> {
            try (PreparedStatement d = c.prepareStatement("DELETE FROM suspended_process WHERE group_name = ?")) {
                d.setString(1, groupName);
                d.executeUpdate();
            }
            try (PreparedStatement p = c.prepareStatement(
                    "INSERT INTO suspended_process(group_name, process, reason, position) VALUES (?, ?, ?, ?)")) {
                int position = 0;
                for (Map.Entry<ScalingProcess, String> e : copy.entrySet()) {
                    p.setString(1, groupName);
                    p.setString(2, e.getKey().name());
                    p.setString(3, e.getValue());
                    p.setInt(4, position++);
                    p.executeUpdate();
                }
            }
        });
    }

    @Override
    public void capacityChanged(GroupCapacity g) {
        long now = clock.millis();
        enqueue(c -> {
            try (PreparedStatement p = c.prepareStatement("""
                    INSERT INTO group_capacity(group_name, min_size, max_size, desired_capacity, configured_desired_capacity,
                      saved_at) VALUES (?, ?, ?, ?, ?, ?)
                    ON CONFLICT(group_name) DO UPDATE SET min_size = excluded.min_size, max_size = excluded.max_size,
                      desired_capacity = excluded.desired_capacity,
                      configured_desired_capacity = excluded.configured_desired_capacity, saved_at = excluded.saved_at""")) {
                p.setString(1, g.groupName());
                p.setInt(2, g.minSize());
                p.setInt(3, g.maxSize());
                p.setInt(4, g.desiredCapacity());
                p.setInt(5, g.configuredDesiredCapacity());
                p.setLong(6, now);
                p.executeUpdate();
            }
        });
    }

    @Override
    public void alarmChanged(String groupName, PolicyAlarm alarm) {
        if (alarm.history().isEmpty()) {
            return;
        }
        AlarmTransition t = alarm.history().get(alarm.history().size() - 1);
        enqueue(c -> {
            try (PreparedStatement p = c.prepareStatement("INSERT INTO alarm_history(group_name, policy_name, alarm_name, at,"
                    + " old_state, new_state, reason) VALUES (?, ?, ?, ?, ?, ?, ?)")) {
                p.setString(1, groupName);
                p.setString(2, alarm.policyName());
                p.setString(3, alarm.alarmName());
                p.setLong(4, t.at().toEpochMilli());
                p.setString(5, t.from().name());
                p.setString(6, t.to().name());
                p.setString(7, t.reason());
                p.executeUpdate();
            }
        });
    }

    // ------------------------------------------------------------------ reads (any thread; share the connection)

    /** The saved capacity of a group, if one was saved. */
    public Optional<SavedCapacity> capacity(String groupName) {
        return read(Optional.empty(), c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT min_size, max_size, desired_capacity,"
                    + " configured_desired_capacity, saved_at FROM group_capacity WHERE group_name = ?")) {
                p.setString(1, groupName);
                try (ResultSet r = p.executeQuery()) {
                    return r.next() ? Optional.of(new SavedCapacity(groupName, r.getInt(1), r.getInt(2), r.getInt(3),
                            r.getInt(4), Instant.ofEpochMilli(r.getLong(5)))) : Optional.empty();
                }
            }
        });
    }

    /** A group's suspended processes as last saved, in suspension order; names this version does not know are left out. */
    public Map<ScalingProcess, String> suspendedProcesses(String groupName) {
        return read(Map.of(), c -> {
            try (PreparedStatement p = c.prepareStatement(
                    "SELECT process, reason FROM suspended_process WHERE group_name = ? ORDER BY position")) {
                p.setString(1, groupName);
                Map<ScalingProcess, String> out = new LinkedHashMap<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        for (ScalingProcess sp : ScalingProcess.values()) {
                            if (sp.name().equals(r.getString(1))) {
                                out.put(sp, r.getString(2));
                            }
                        }
                    }
                }
                return out;
            }
        });
    }

    /** A group's saved activities, newest first, at most {@code limit}. */
    public List<Activity> activities(String groupName, int limit) {
        return read(List.of(), c -> {
            try (PreparedStatement p = c.prepareStatement("SELECT activity_id, description, cause, start_time, end_time,"
                    + " status_code, status_message, progress FROM activity WHERE group_name = ?"
                    + " ORDER BY start_time DESC, rowid DESC LIMIT ?")) {
                p.setString(1, groupName);
                p.setInt(2, limit);
                List<Activity> out = new ArrayList<>();
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        long end = r.getLong(5);
                        Instant endTime = r.wasNull() ? null : Instant.ofEpochMilli(end);
                        out.add(new Activity(r.getString(1), groupName, r.getString(2), r.getString(3),
                                Instant.ofEpochMilli(r.getLong(4)), endTime, r.getString(6), r.getString(7), r.getInt(8)));
                    }
                }
                return List.copyOf(out);
            }
        });
    }

    /** A target registered at run time and saved. */
    public record SavedTarget(String targetGroup, TargetAddress target, Instant registeredAt) {}

    /** The saved runtime targets, oldest first. */
    public List<SavedTarget> savedTargets() {
        return read(List.of(), c -> {
            List<SavedTarget> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT target_group, host, port, registered_at FROM runtime_target"
                    + " ORDER BY registered_at, target_group, host, port");
                 ResultSet r = p.executeQuery()) {
                while (r.next()) {
                    out.add(new SavedTarget(r.getString(1), new TargetAddress(r.getString(2), r.getInt(3)),
                            Instant.ofEpochMilli(r.getLong(4))));
                }
            }
            return List.copyOf(out);
        });
    }

    /** A group's saved alarm state changes, newest first, at most {@code limit}. */
    public List<AlarmChange> alarmChanges(String groupName, int limit) {
        return read(List.of(), c -> {
            List<AlarmChange> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("SELECT policy_name, alarm_name, at, old_state, new_state, reason"
                    + " FROM alarm_history WHERE group_name = ? ORDER BY at DESC, rowid DESC LIMIT ?")) {
                p.setString(1, groupName);
                p.setInt(2, limit);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(new AlarmChange(groupName, r.getString(1), r.getString(2), Instant.ofEpochMilli(r.getLong(3)),
                                AlarmState.valueOf(r.getString(4)), AlarmState.valueOf(r.getString(5)), r.getString(6)));
                    }
                }
            }
            return List.copyOf(out);
        });
    }

    /**
     * The end (exclusive) of the minutes rolled up so far, or null before the first roll-up of this run (or without
     * a state file): a query for older data reads the file ({@link HistoryMetricStore}).
     */
    @Override
    public Instant rolledUntil() {
        if (db == null) {
            return null;
        }
        if (rolledUntil == Long.MIN_VALUE) {
            synchronized (db) {
                try {
                    loadRolledUntil();
                    db.commit();
                } catch (SQLException e) {
                    log.warn("state file {}: read failed: {}", file, describe(e));
                    return null;
                }
            }
        }
        long r = rolledUntil;
        return r <= Long.MIN_VALUE + 1 ? null : Instant.ofEpochSecond(r);
    }

    /** Reads where the roll-up stands from the file, once (under the db lock). */
    private void loadRolledUntil() throws SQLException {
        if (rolledUntil == Long.MIN_VALUE) {
            try (Statement s = db.createStatement(); ResultSet r = s.executeQuery("SELECT MAX(minute) FROM metric_minute")) {
                long max = r.next() ? r.getLong(1) : 0;
                rolledUntil = r.wasNull() ? Long.MIN_VALUE + 1 : max + 60;
            }
        }
    }

    /** The saved minutes of one series in {@code [from, to)}, oldest first. */
    @Override
    public List<MinuteRollup> metricHistory(MetricKey key, Instant from, Instant to) {
        return read(List.of(), c -> {
            List<MinuteRollup> out = new ArrayList<>();
            try (PreparedStatement p = c.prepareStatement("""
                    SELECT m.minute, m.sum, m.sample_count, m.minimum, m.maximum, m.p50, m.p90, m.p99
                    FROM metric_minute m JOIN metric_series s ON s.series_id = m.series_id
                    WHERE s.name = ? AND s.dimensions = ? AND m.minute >= ? AND m.minute < ? ORDER BY m.minute""")) {
                p.setString(1, key.name());
                p.setString(2, key.dimensions().toString());
                p.setLong(3, from.getEpochSecond());
                p.setLong(4, to.getEpochSecond());
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        out.add(new MinuteRollup(key, Instant.ofEpochSecond(r.getLong(1)), r.getDouble(2), r.getLong(3),
                                r.getDouble(4), r.getDouble(5), nullableDouble(r, 6), nullableDouble(r, 7), nullableDouble(r, 8)));
                    }
                }
            }
            return List.copyOf(out);
        });
    }

    private static double nullableDouble(ResultSet r, int column) throws SQLException {
        double v = r.getDouble(column);
        return r.wasNull() ? Double.NaN : v;
    }

    @FunctionalInterface
    private interface Read<T> {
        T apply(Connection c) throws SQLException;
    }

    private <T> T read(T none, Read<T> q) {
        if (db == null) {
            return none;
        }
        synchronized (db) {
            try {
                T out = q.apply(db);
                db.commit(); // end the read transaction so the WAL can be checkpointed
                return out;
            } catch (SQLException e) {
                log.warn("state file {}: read failed: {}", file, describe(e));
                try {
                    db.rollback();
                } catch (SQLException ignored) {
                    // the read already failed
                }
                return none;
            }
        }
    }

    // ------------------------------------------------------------------ metric rollup and retention

    /**
     * Rolls up every series of {@code store} for each whole minute that ended at least 5 s before {@code now}
     * and is not rolled up yet (looking back at most an hour), and returns how many minute rows it wrote. The
     * writer thread calls this once a minute; tests call it with a {@code ManualClock}'s time.
     */
    public int rollUp(MetricStore store, Instant now) {
        if (db == null) {
            return 0;
        }
        long end = Math.floorDiv(now.minus(SETTLE).getEpochSecond(), 60) * 60;
        synchronized (db) {
            try {
                loadRolledUntil();
                long start = Math.max(rolledUntil, end - MAX_BACKFILL.getSeconds());
                if (start >= end) {
                    db.commit();
                    return 0;
                }
                int rows = 0;
                try (PreparedStatement insert = db.prepareStatement("INSERT OR REPLACE INTO metric_minute(series_id, minute,"
                        + " sum, sample_count, minimum, maximum, p50, p90, p99) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                    for (MetricKey key : store.keys()) {
                        List<MinuteRollup> minutes = MinuteRollup.of(store, key, Instant.ofEpochSecond(start),
                                Instant.ofEpochSecond(end));
                        if (minutes.isEmpty()) {
                            continue;
                        }
                        long series = seriesId(key);
                        for (MinuteRollup m : minutes) {
                            insert.setLong(1, series);
                            insert.setLong(2, m.minute().getEpochSecond());
                            insert.setDouble(3, m.sum());
                            insert.setLong(4, m.sampleCount());
                            insert.setDouble(5, m.minimum());
                            insert.setDouble(6, m.maximum());
                            double[] percentiles = {m.p50(), m.p90(), m.p99()};
                            for (int i = 0; i < 3; i++) {
                                if (Double.isFinite(percentiles[i])) {
                                    insert.setDouble(i + 7, percentiles[i]);
                                } else {
                                    insert.setNull(i + 7, Types.REAL);
                                }
                            }
                            insert.addBatch();
                            rows++;
                        }
                    }
                    insert.executeBatch();
                }
                db.commit();
                rolledUntil = end;
                return rows;
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
                seriesIds.clear();
                writeFailed("rolling up metrics", e);
                return 0;
            }
        }
    }

    private long seriesId(MetricKey key) throws SQLException {
        Long id = seriesIds.get(key);
        if (id != null) {
            return id;
        }
        String dims = key.dimensions().toString();
        try (PreparedStatement p = db.prepareStatement("INSERT INTO metric_series(name, dimensions) VALUES (?, ?) ON CONFLICT DO NOTHING")) {
            p.setString(1, key.name());
            p.setString(2, dims);
            p.executeUpdate();
        }
        try (PreparedStatement p = db.prepareStatement("SELECT series_id FROM metric_series WHERE name = ? AND dimensions = ?")) {
            p.setString(1, key.name());
            p.setString(2, dims);
            try (ResultSet r = p.executeQuery()) {
                r.next();
                id = r.getLong(1);
            }
        }
        seriesIds.put(key, id);
        return id;
    }

    /**
     * Deletes metric minutes and alarm changes older than 15 days before {@code now}, and all but the newest
     * 500 activities of each group. The writer thread calls this hourly.
     */
    public void prune(Instant now) {
        if (db == null) {
            return;
        }
        Instant cutoff = now.minus(RETENTION);
        synchronized (db) {
            try (Statement s = db.createStatement()) {
                s.executeUpdate("DELETE FROM metric_minute WHERE minute < " + cutoff.getEpochSecond());
                s.executeUpdate("DELETE FROM alarm_history WHERE at < " + cutoff.toEpochMilli());
                s.executeUpdate("DELETE FROM metric_series WHERE series_id NOT IN (SELECT DISTINCT series_id FROM metric_minute)");
                s.executeUpdate("DELETE FROM activity WHERE activity_id IN (SELECT activity_id FROM (SELECT activity_id,"
                        + " ROW_NUMBER() OVER (PARTITION BY group_name ORDER BY start_time DESC, rowid DESC) AS n FROM activity)"
                        + " WHERE n > " + ACTIVITIES_PER_GROUP + ")");
                db.commit();
                seriesIds.clear(); // series may have gone
            } catch (SQLException e) {
                rollbackQuietly();
                writeFailed("pruning old rows", e);
            }
        }
    }

    // ------------------------------------------------------------------ the writer thread

    private void enqueue(Write w) {
        if (db == null || closed) {
            return;
        }
        if (!queue.offer(w)) {
            long n = dropped.incrementAndGet();
            if (n == 1 || n % 1000 == 0) {
                log.warn("state file {}: the write queue is full ({} writes waiting); dropped {} so far", file,
                        QUEUE_CAPACITY, n);
            }
        }
    }

    private void runWriter() {
        List<Write> batch = new ArrayList<>();
        while (true) {
            try {
                Write first = queue.poll(1, TimeUnit.SECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, 999);
                    writeBatch(batch);
                    batch.clear();
                } else if (closed) {
                    return;
                }
                housekeeping();
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                batch.clear();
                log.error("state file {}: the writer failed", file, t);
            }
        }
    }

    private void housekeeping() {
        if (closed) {
            return;
        }
        Instant now = clock.instant();
        MetricStore m = metrics;
        if (m != null) {
            rollUp(m, now);
        }
        if (!now.isBefore(lastPrune.plus(PRUNE_EVERY)) || now.isBefore(lastPrune)) {
            lastPrune = now;
            prune(now);
        }
    }

    private void writeBatch(List<Write> batch) {
        synchronized (db) {
            try {
                for (Write w : batch) {
                    w.apply(db);
                }
                db.commit();
                if (lastWriteError != null) {
                    log.info("state file {}: writing works again", file);
                    if (lastWriteError.equals(status.problem())) {
                        status = new StateStatus(file, true, null);
                    }
                    lastWriteError = null;
                }
            } catch (SQLException | RuntimeException e) {
                rollbackQuietly();
                writeFailed("writing " + batch.size() + " change(s)", e);
            }
        }
    }

    private void writeFailed(String what, Exception e) {
        String problem = "state file " + file + ": " + what + " failed (" + describe(e) + "); the change is lost";
        if (!problem.equals(lastWriteError)) {
            log.error(problem); // once per distinct problem, not once per batch
            lastWriteError = problem;
        }
        status = new StateStatus(file, status.persisting(), problem);
    }

    private void rollbackQuietly() {
        try {
            db.rollback();
        } catch (SQLException ignored) {
            // the write already failed
        }
    }

    /**
     * Waits until everything queued before this call is written (or {@code timeout} passes).
     *
     * @return false on timeout
     */
    public boolean flush(Duration timeout) {
        if (db == null || writer == null || !writer.isAlive()) {
            return true;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            if (!queue.offer(c -> done.complete(null), timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                return false;
            }
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        }
    }

    /** Writes what is queued (waiting at most 10 s), then closes the database. Call after the controller stopped. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        if (db == null) {
            closed = true;
            return;
        }
        if (!flush(Duration.ofSeconds(10))) {
            log.warn("state file {}: writes still queued at shutdown were not saved", file);
        }
        closed = true;
        writer.interrupt();
        try {
            writer.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (db) {
            try {
                db.commit();
                db.close();
            } catch (SQLException e) {
                log.warn("state file {}: closing failed: {}", file, describe(e));
            }
        }
    }

    /** The dimensions as stored, parsed back: for tests and tools reading the file. */
    static MetricKey key(String name, String dimensions) {
        return MetricKey.of(name, Dimensions.parse(dimensions));
    }
}
