package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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
 * {@code headroom detach-instances GROUP INSTANCE... --[no-]decrement-desired-capacity} and {@code headroom
 * attach-instances GROUP INSTANCE...}: AWS's DetachInstances and AttachInstances. Prints each activity.
 */
public abstract class InstancesCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The auto scaling group.")
    String group;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "INSTANCE", description = "The instance ids (1..20).")
    List<String> instances = new ArrayList<>();

    @Spec
    CommandSpec spec;

    /** "detach" or "attach". */
    abstract String action();

    /** The body's fields besides instanceIds. */
    Map<String, Object> more() {
        return Map.of();
    }

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("instanceIds", instances);
            body.putAll(more());
            JsonNode r = admin.client().post("/api/v1/auto-scaling-groups/" + AdminClient.encode(group) + "/"
                    + action() + "-instances", body);
            Cli.printActivities(spec.commandLine().getOut(), group, r.path("activities"));
        });
    }

    /** {@code headroom detach-instances}; the choice of decrementing is required, as on AWS. */
    @Command(name = "detach-instances", mixinStandardHelpOptions = true,
            description = "Detach instances from an auto scaling group: they leave its target groups (drained) and the"
                    + " group, and keep running until you attach them to a group or Headroom stops.")
    public static final class Detach extends InstancesCommand {
        @Option(names = "--decrement-desired-capacity", negatable = true, required = true,
                description = "Lower the desired capacity by the number of InService instances detached; with"
                        + " --no-decrement-desired-capacity the group launches replacements. One of them is required.")
        Boolean decrement;

        @Override
        String action() {
            return "detach";
        }

        @Override
        Map<String, Object> more() {
            return Map.of("shouldDecrementDesiredCapacity", decrement);
        }
    }

    /** {@code headroom attach-instances}: detached instances, from this group or another. */
    @Command(name = "attach-instances", mixinStandardHelpOptions = true,
            description = "Attach detached instances (from this or another group) to an auto scaling group: its desired"
                    + " capacity grows by their number, and they are registered in its target groups.")
    public static final class Attach extends InstancesCommand {
        @Override
        String action() {
            return "attach";
        }
    }
}
