package io.headroom.scaling;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;

/** The bounded activity history of one group, newest first. Not thread-safe: used under the group's lock. */
final class ActivityLog {
    private final String groupName;
    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    private final Consumer<Activity> listener;

    ActivityLog(String groupName, int capacity) {
        this(groupName, capacity, a -> { });
    }

    /** {@code listener} gets a snapshot of every activity as it starts and at every change. */
    ActivityLog(String groupName, int capacity, Consumer<Activity> listener) {
        this.groupName = groupName;
        this.capacity = capacity;
        this.listener = listener;
    }

    /**
     * Appends activities of an earlier run (newest first) behind the ones there are, up to the capacity; those
     * that never ended are ended as Cancelled at {@code now}. Listeners are not told: these are not new.
     */
    void restore(List<Activity> history, Instant now) {
        for (Activity a : history) {
            if (entries.size() >= capacity) {
                break;
            }
            Entry e = new Entry(a.activityId(), a.description(), a.cause(), a.startTime());
            e.statusCode = a.statusCode();
            e.statusMessage = a.statusMessage();
            e.progress = a.progress();
            e.endTime = a.endTime();
            if (e.endTime == null) {
                e.endTime = now;
                e.statusCode = Activity.CANCELLED;
                e.statusMessage = "Headroom stopped before the activity ended";
                e.progress = 100;
            }
            entries.addLast(e);
        }
    }

    /** Starts an activity in progress. */
    Entry start(String description, String cause, Instant now) {
        Entry e = add(description, cause, now);
        e.changed();
        return e;
    }

    /** Records an activity that is over as soon as it starts (a change of the desired capacity, say). */
    Entry done(String description, String cause, Instant now, String statusCode, String statusMessage) {
        Entry e = add(description, cause, now);
        e.end(now, statusCode, statusMessage); // one listener call, with the outcome
        return e;
    }

    private Entry add(String description, String cause, Instant now) {
        Entry e = new Entry(UUID.randomUUID().toString(), description, cause, now);
        entries.addFirst(e);
        while (entries.size() > capacity) {
            entries.removeLast();
        }
        return e;
    }

    List<Activity> snapshot() {
        List<Activity> out = new ArrayList<>(entries.size());
        for (Entry e : entries) {
            out.add(e.toActivity());
        }
        return List.copyOf(out);
    }

    /** One mutable activity; its snapshots are {@link Activity} records. */
    final class Entry {
        private final String id;
        private final String description;
        private final String cause;
        private final Instant startTime;
        private Instant endTime;
        private String statusCode = Activity.IN_PROGRESS;
        private String statusMessage;
        private int progress;

        private Entry(String id, String description, String cause, Instant startTime) {
            this.id = id;
            this.description = description;
            this.cause = cause;
            this.startTime = startTime;
        }

        void progress(int percent, String status) {
            if (endTime == null && (progress != percent || !status.equals(statusCode))) {
                this.progress = percent;
                this.statusCode = status;
                changed();
            }
        }

        /** Ends the activity; later calls do nothing (the first outcome stands). */
        void end(Instant now, String status, String message) {
            if (endTime == null) {
                this.endTime = now;
                this.statusCode = status;
                this.statusMessage = message;
                this.progress = 100;
                changed();
            }
        }

        private void changed() {
            listener.accept(toActivity());
        }

        boolean isOver() {
            return endTime != null;
        }

        Activity toActivity() {
            return new Activity(id, groupName, description, cause, startTime, endTime, statusCode, statusMessage, progress);
        }
    }
}
