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
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code headroom suspend GROUP [PROCESS...]} and {@code headroom resume GROUP [PROCESS...]}: AWS's SuspendProcesses
 * and ResumeProcesses; no process named means all. Prints what is suspended afterwards.
 */
public abstract class ProcessesCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The auto scaling group.")
    String group;

    @Parameters(index = "1..*", paramLabel = "PROCESS", description = "Launch, Terminate, AddToLoadBalancer,"
            + " AlarmNotification, AZRebalance, HealthCheck, InstanceRefresh, ReplaceUnhealthy, ScheduledActions"
            + " (none: all of them).")
    List<String> processes = new ArrayList<>();

    @Spec
    CommandSpec spec;

    abstract String action();

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            JsonNode r = admin.client().post("/api/v1/auto-scaling-groups/" + AdminClient.encode(group) + "/"
                    + action() + "-processes", Map.of("scalingProcesses", processes));
            PrintWriter out = spec.commandLine().getOut();
            JsonNode suspended = r.path("suspendedProcesses");
            if (suspended.isEmpty()) {
                out.println(group + ": no processes suspended");
            }
            for (JsonNode p : suspended) {
                out.println(group + ": " + p.path("processName").asText() + " suspended ("
                        + p.path("suspensionReason").asText() + ")");
            }
            out.flush();
        });
    }

    /** {@code headroom suspend}. */
    @Command(name = "suspend", mixinStandardHelpOptions = true,
            description = "Suspend processes of an auto scaling group (all without PROCESS), e.g. Launch or"
                    + " ReplaceUnhealthy while you look into an instance.")
    public static final class Suspend extends ProcessesCommand {
        @Override
        String action() {
            return "suspend";
        }
    }

    /** {@code headroom resume}. */
    @Command(name = "resume", mixinStandardHelpOptions = true,
            description = "Resume suspended processes of an auto scaling group (all without PROCESS).")
    public static final class Resume extends ProcessesCommand {
        @Override
        String action() {
            return "resume";
        }
    }
}
