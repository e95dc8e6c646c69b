package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code headroom detach-instances GROUP INSTANCE... --decrement-desired-capacity|--no-decrement-desired-capacity}:
 * AWS DetachInstances (the choice is required, as on AWS).
 */
@Command(name = "detach-instances", mixinStandardHelpOptions = true,
        description = "Detach instances from an auto scaling group: they leave its target groups (drained) and the"
                + " group, and keep running until you attach them to a group or Headroom stops.")
public final class DetachInstancesCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The auto scaling group.")
    String group;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "INSTANCE", description = "The instance ids (1..20).")
    List<String> instances = new ArrayList<>();

    @Option(names = "--decrement-desired-capacity", negatable = true, required = true,
            description = "Lower the desired capacity by the number of InService instances detached; with"
                    + " --no-decrement-desired-capacity the group launches replacements. One of them is required.")
    Boolean decrement;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            JsonNode r = admin.client().post("/api/v1/auto-scaling-groups/" + AdminClient.encode(group)
                    + "/detach-instances", Map.of("instanceIds", instances, "shouldDecrementDesiredCapacity", decrement));
            Cli.printActivities(spec.commandLine().getOut(), group, r.path("activities"));
        });
    }
}
