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

/** {@code headroom standby GROUP INSTANCE [--decrement-desired-capacity] | --exit}: AWS EnterStandby / ExitStandby. */
@Command(name = "standby", mixinStandardHelpOptions = true,
        description = "Move an InService instance to Standby (out of its target groups, drained, still running, not"
                + " health checked), or with --exit back into service.")
public final class StandbyCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The auto scaling group.")
    String group;

    @Parameters(index = "1", paramLabel = "INSTANCE", description = "The instance id.")
    String instance;

    @Option(names = "--decrement-desired-capacity", description = "Entering: lower the desired capacity by one instead"
            + " of launching a replacement.")
    boolean decrement;

    @Option(names = "--exit", description = "Return the instance to service (the desired capacity grows by one).")
    boolean exit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            String path = "/api/v1/auto-scaling-groups/" + AdminClient.encode(group) + "/instances/"
                    + AdminClient.encode(instance) + "/standby";
            JsonNode activity = exit ? admin.client().delete(path)
                    : admin.client().post(path + "?decrementDesiredCapacity=" + decrement, null);
            PrintWriter out = spec.commandLine().getOut();
            out.println(group + ": " + activity.path("description").asText());
            out.println(activity.path("cause").asText());
            out.flush();
        });
    }
}
