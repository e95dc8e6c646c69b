package io.headroom.core.config;

import java.util.List;
import java.util.Set;

/**
 * One webhook: Headroom POSTs a JSON body to {@code url} for every event of the listed kinds.
 *
 * @param url    an http or https URL (any host: it is the user's own receiver)
 * @param events what to send, from {@link #EVENTS}: {@code alarm} (an alarm changed state), {@code scaling}
 *               (a group's desired capacity changed), {@code lifecycle} (an instance began to wait on a lifecycle
 *               hook), {@code launch} and {@code terminate} (an instance launch or termination activity ended),
 *               {@code activity} (every activity, as it starts and ends)
 */
public record NotificationConfig(String url, List<String> events) {
    /** The event kinds, in the order the docs list them. */
    public static final List<String> EVENTS = List.of("alarm", "scaling", "lifecycle", "launch", "terminate", "activity");

    public NotificationConfig {
        events = List.copyOf(events);
    }

    /** Whether this webhook wants events of {@code kind}. */
    public boolean wants(String kind) {
        return events.contains(kind);
    }

    static boolean known(String kind) {
        return Set.copyOf(EVENTS).contains(kind);
    }
}
