package io.headroom.scaling;

import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** The bounded activity history of one group, newest first. Not thread-safe: used under the group's lock. */
final class ActivityLog {
    private final String groupName;
    private final int capacity;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();

    ActivityLog(String groupName, int capacity) {
        this.groupName = groupName;
        this.capacity = capacity;
    }

    /** Starts an activity in progress. */
    Entry start(String description, String cause, Instant now) {
        Entry e = new Entry(UUID.randomUUID().toString(), description, cause, now);
        entries.addFirst(e);
        while (entries.size() > capacity) {
            entries.removeLast();
        }
        return e;
    }

    /** Records an activity that is over as soon as it starts (a change of the desired capacity, say). */
    Entry done(String description, String cause, Instant now, String statusCode, String statusMessage) {
        Entry e = start(description, cause, now);
        e.end(now, statusCode, statusMessage);
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
            if (endTime == null) {
                this.progress = percent;
                this.statusCode = status;
            }
        }

        /** Ends the activity; later calls do nothing (the first outcome stands). */
        void end(Instant now, String status, String message) {
            if (endTime == null) {
                this.endTime = now;
                this.statusCode = status;
                this.statusMessage = message;
                this.progress = 100;
            }
        }

        boolean isOver() {
            return endTime != null;
        }

        Activity toActivity() {
            return new Activity(id, groupName, description, cause, startTime, endTime, statusCode, statusMessage, progress);
        }
    }
}
