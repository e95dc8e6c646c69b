package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code headroom activities GROUP}: the scaling activities of a group, newest first, with their causes. */
@Command(name = "activities", mixinStandardHelpOptions = true,
        description = "Show the scaling activities of an auto scaling group, newest first, with their causes.")
public final class ActivitiesCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The auto scaling group.")
    String group;

    @Option(names = {"-n", "--limit"}, defaultValue = "20", description = "How many (1..500, default: ${DEFAULT-VALUE}).")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            JsonNode activities = admin.client().get("/api/v1/auto-scaling-groups/" + AdminClient.encode(group)
                    + "/activities?limit=" + limit);
            PrintWriter out = spec.commandLine().getOut();
            if (activities.isEmpty()) {
                out.println(group + ": no activities yet");
            }
            for (JsonNode a : activities) {
                out.println(Cli.activityLine(a));
                out.println("    cause: " + a.path("cause").asText());
                if (!a.path("statusMessage").isNull() && !a.path("statusMessage").isMissingNode()) {
                    out.println("    status: " + a.path("statusMessage").asText());
                }
            }
            out.flush();
        });
    }
}
