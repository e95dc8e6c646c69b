package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code headroom scale GROUP N}: sets an auto scaling group's desired capacity (AWS SetDesiredCapacity). */
@Command(name = "scale", mixinStandardHelpOptions = true,
        description = "Set the desired capacity of an auto scaling group (within its minSize..maxSize).")
public final class ScaleCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The auto scaling group.")
    String group;

    @Parameters(index = "1", paramLabel = "N", description = "The new desired capacity.")
    int desiredCapacity;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            JsonNode activity = admin.client().put("/api/v1/auto-scaling-groups/" + AdminClient.encode(group)
                    + "/desired-capacity", Map.of("desiredCapacity", desiredCapacity));
            PrintWriter out = spec.commandLine().getOut();
            out.println(group + ": desired capacity set to " + desiredCapacity);
            out.println(activity.path("cause").asText());
            out.flush();
        });
    }
}
