package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import picocli.CommandLine.Model.CommandSpec;

/** What the admin commands share: one-line errors and exit 1, and how activities and durations read. */
final class Cli {
    private Cli() {}

    interface Body {
        void run() throws AdminClient.AdminException;
    }

    /** Runs {@code body}; an admin failure is printed as its message on stderr and gives exit code 1. */
    static int run(CommandSpec spec, Body body) {
        try {
            body.run();
            return 0;
        } catch (AdminClient.AdminException e) {
            spec.commandLine().getErr().println("headroom " + spec.name() + ": " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }

    /** {@code 2026-11-25T07:20:00Z  Successful  demo  Launching a new EC2 instance: i-...} */
    static String activityLine(JsonNode a) {
        return a.path("startTime").asText() + "  " + a.path("statusCode").asText() + "  " + a.path("groupName").asText()
                + "  " + a.path("description").asText();
    }

    /** For each activity: "GROUP: description", then its cause. */
    static void printActivities(java.io.PrintWriter out, String group, JsonNode activities) {
        for (JsonNode a : activities) {
            out.println(group + ": " + a.path("description").asText());
            out.println(a.path("cause").asText());
        }
        out.flush();
    }

    static String duration(Duration d) {
        long s = d.getSeconds();
        if (s < 60) {
            return s + "s";
        }
        if (s < 3600) {
            return s / 60 + "m" + (s % 60 == 0 ? "" : " " + s % 60 + "s");
        }
        if (s < 86_400) {
            return s / 3600 + "h" + (s % 3600 / 60 == 0 ? "" : " " + s % 3600 / 60 + "m");
        }
        return s / 86_400 + "d" + (s % 86_400 / 3600 == 0 ? "" : " " + s % 86_400 / 3600 + "h");
    }
}
