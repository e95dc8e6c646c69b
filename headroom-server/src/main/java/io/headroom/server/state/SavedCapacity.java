package io.headroom.server.state;

import java.time.Instant;

/**
 * A group's capacity as last saved.
 *
 * @param configuredDesiredCapacity the config file's {@code desiredCapacity} when this was saved
 */
public record SavedCapacity(
        String groupName,
        int minSize,
        int maxSize,
        int desiredCapacity,
        int configuredDesiredCapacity,
        Instant savedAt) {}
