package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code headroom set-instance-health GROUP INSTANCE Healthy|Unhealthy [--no-respect-grace-period]}: AWS SetInstanceHealth. */
@Command(name = "set-instance-health", mixinStandardHelpOptions = true,
        description = "Set an instance's health status as your own health check would: Unhealthy has the group replace"
                + " it; Healthy takes back an Unhealthy instance not yet being replaced.")
public final class SetInstanceHealthCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The auto scaling group.")
    String group;

    @Parameters(index = "1", paramLabel = "INSTANCE", description = "The instance id.")
    String instance;

    @Parameters(index = "2", paramLabel = "Healthy|Unhealthy", description = "The health status to set.")
    String healthStatus;

    @Option(names = "--respect-grace-period", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Ignore the call while the instance is within the group's health check grace period (the"
                    + " default, as on AWS); --no-respect-grace-period sets it anyway.")
    boolean respectGracePeriod;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            JsonNode r = admin.client().put("/api/v1/auto-scaling-groups/" + AdminClient.encode(group) + "/instances/"
                    + AdminClient.encode(instance) + "/health", Map.of("healthStatus", healthStatus,
                    "shouldRespectGracePeriod", respectGracePeriod));
            PrintWriter out = spec.commandLine().getOut();
            if (r.path("ignored").asBoolean()) {
                out.println(group + ": ignored: " + r.path("message").asText());
            } else {
                JsonNode i = r.path("instance");
                out.println(group + ": " + instance + " is " + i.path("healthStatus").asText() + " ("
                        + i.path("lifecycleState").asText() + ")");
            }
            out.flush();
        });
    }
}
