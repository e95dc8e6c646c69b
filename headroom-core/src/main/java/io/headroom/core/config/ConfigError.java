package io.headroom.core.config;

/**
 * One problem in a configuration file: where it is ({@code targetGroups[1].healthCheck.intervalSeconds}, or
 * {@code file:LINE:COLUMN} for a YAML syntax error) and what is wrong with it.
 */
public record ConfigError(String path, String message) {
    @Override
    public String toString() {
        return path + ": " + message;
    }
}
