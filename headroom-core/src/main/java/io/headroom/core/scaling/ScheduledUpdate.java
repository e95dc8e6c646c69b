package io.headroom.core.scaling;

import java.time.Instant;

/** A scheduled action's update that is due: the sizes to set (null = leave unchanged). */
public record ScheduledUpdate(String actionName, Instant scheduledTime, Integer minSize, Integer maxSize,
                              Integer desiredCapacity) {}
