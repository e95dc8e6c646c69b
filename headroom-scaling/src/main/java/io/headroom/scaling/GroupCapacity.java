package io.headroom.scaling;

/**
 * A group's capacity limits after a change.
 *
 * @param previousDesiredCapacity   the desired capacity before the change
 * @param configuredDesiredCapacity the {@code desiredCapacity} of the config the group runs with, so that a
 *                                  restart can tell whether the file changed since this was saved
 */
public record GroupCapacity(
        String groupName,
        int minSize,
        int maxSize,
        int desiredCapacity,
        int previousDesiredCapacity,
        int configuredDesiredCapacity) {}
