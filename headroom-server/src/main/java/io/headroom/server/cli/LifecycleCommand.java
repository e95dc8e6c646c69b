package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code headroom lifecycle GROUP} lists the lifecycle actions waiting; {@code headroom lifecycle GROUP INSTANCE
 * --continue | --abandon | --heartbeat [--hook NAME]} is AWS's CompleteLifecycleAction or
 * RecordLifecycleActionHeartbeat.
 */
@Command(name = "lifecycle", mixinStandardHelpOptions = true,
        description = "List the instances waiting on lifecycle hooks (Pending:Wait, Terminating:Wait), or complete"
                + " an instance's lifecycle action, or record a heartbeat for it.")
public final class LifecycleCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The auto scaling group.")
    String group;

    @Parameters(index = "1", paramLabel = "INSTANCE", arity = "0..1",
            description = "The waiting instance (with --continue, --abandon or --heartbeat).")
    String instance;

    @ArgGroup(exclusive = true)
    Action action;

    static final class Action {
        @Option(names = "--continue", description = "Complete the action with CONTINUE: a launch goes into service, a"
                + " termination goes on.")
        boolean continueIt;

        @Option(names = "--abandon", description = "Complete the action with ABANDON: a launch is terminated and"
                + " replaced, a termination goes on without the remaining hooks.")
        boolean abandon;

        @Option(names = "--heartbeat", description = "Restart the hook's heartbeat timeout.")
        boolean heartbeat;
    }

    @Option(names = "--hook", paramLabel = "NAME", description = "The lifecycle hook (needed when the instance waits on"
            + " more than one).")
    String hook;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if ((instance == null) != (action == null)) {
            throw new ParameterException(spec.commandLine(), instance == null
                    ? "an INSTANCE is needed with --continue, --abandon or --heartbeat"
                    : "with an INSTANCE, say what to do: --continue, --abandon or --heartbeat");
        }
        return Cli.run(spec, () -> {
            String path = "/api/v1/auto-scaling-groups/" + AdminClient.encode(group);
            PrintWriter out = spec.commandLine().getOut();
            if (instance == null) {
                JsonNode all = admin.client().get(path + "/lifecycle-actions").path("lifecycleActions");
                if (all.isEmpty()) {
                    out.println(group + ": no instance waits on a lifecycle hook");
                } else {
                    Table t = new Table("INSTANCE", "HOOK", "TRANSITION", "SINCE", "TIMEOUT", "ADDRESS");
                    for (JsonNode a : all) {
                        t.row(a.path("instanceId").asText(), a.path("lifecycleHookName").asText(),
                                a.path("lifecycleTransition").asText().replace("autoscaling:EC2_INSTANCE_", ""),
                                a.path("startTime").asText(), a.path("heartbeatTimeoutTime").asText(),
                                a.path("host").isTextual() ? a.path("host").asText() + ":" + a.path("port").asInt() : null);
                    }
                    t.print(out);
                }
            } else {
                Map<String, Object> body = new LinkedHashMap<>();
                if (hook != null) {
                    body.put("lifecycleHookName", hook);
                }
                body.put("instanceId", instance);
                JsonNode a;
                if (action.heartbeat) {
                    a = admin.client().post(path + "/record-lifecycle-action-heartbeat", body);
                    out.println(group + ": " + instance + " " + a.path("lifecycleHookName").asText()
                            + ": heartbeat recorded, times out at " + a.path("heartbeatTimeoutTime").asText());
                } else {
                    String result = action.abandon ? "ABANDON" : "CONTINUE";
                    body.put("lifecycleActionResult", result);
                    a = admin.client().post(path + "/complete-lifecycle-action", body);
                    out.println(group + ": " + instance + " " + a.path("lifecycleHookName").asText() + ": completed with "
                            + result);
                }
            }
            out.flush();
        });
    }
}
