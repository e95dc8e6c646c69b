package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code headroom attach-instances GROUP INSTANCE...}: AWS AttachInstances, of detached instances. */
@Command(name = "attach-instances", mixinStandardHelpOptions = true,
        description = "Attach detached instances (from this or another group) to an auto scaling group: its desired"
                + " capacity grows by their number, and they are registered in its target groups.")
public final class AttachInstancesCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The auto scaling group.")
    String group;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "INSTANCE", description = "The detached instances' ids (1..20).")
    List<String> instances = new ArrayList<>();

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            JsonNode r = admin.client().post("/api/v1/auto-scaling-groups/" + AdminClient.encode(group)
                    + "/attach-instances", Map.of("instanceIds", instances));
            Cli.printActivities(spec.commandLine().getOut(), group, r.path("activities"));
        });
    }
}
