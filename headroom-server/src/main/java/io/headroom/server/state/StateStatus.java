package io.headroom.server.state;

import java.nio.file.Path;

/**
 * How durable state is doing, for the admin API and the dashboard.
 *
 * @param file       the database file ({@code stateDir/headroom.db})
 * @param persisting whether state is being saved; false when the file could not be opened or written
 * @param problem    what went wrong, in words naming the file, or null when nothing did; a corrupt file that
 *                   was moved aside is reported here while {@code persisting} stays true
 */
public record StateStatus(Path file, boolean persisting, String problem) {}
