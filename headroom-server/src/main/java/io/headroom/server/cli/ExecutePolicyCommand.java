package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code headroom execute-policy GROUP POLICY [--honor-cooldown] [--metric-value N --breach-threshold N]}: AWS
 * ExecutePolicy, for simple and step policies.
 */
@Command(name = "execute-policy", mixinStandardHelpOptions = true,
        description = "Execute a simple or step scaling policy now, as if its alarm had fired.")
public final class ExecutePolicyCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The auto scaling group.")
    String group;

    @Parameters(index = "1", paramLabel = "POLICY", description = "The policy's name.")
    String policy;

    @Option(names = "--honor-cooldown", description = "Simple policies: do nothing while the policy is in its cooldown"
            + " (by default the cooldown is not honoured, as on AWS).")
    boolean honorCooldown;

    @Option(names = "--metric-value", paramLabel = "N", description = "Step policies (required there): the metric"
            + " value; its difference to --breach-threshold picks the step.")
    Double metricValue;

    @Option(names = "--breach-threshold", paramLabel = "N", description = "Step policies (required there): the"
            + " alarm threshold to compare --metric-value with.")
    Double breachThreshold;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            Map<String, Object> body = new LinkedHashMap<>();
            body.put("policyName", policy);
            body.put("honorCooldown", honorCooldown);
            if (metricValue != null) {
                body.put("metricValue", metricValue);
            }
            if (breachThreshold != null) {
                body.put("breachThreshold", breachThreshold);
            }
            JsonNode r = admin.client().post("/api/v1/auto-scaling-groups/" + AdminClient.encode(group)
                    + "/execute-policy", body);
            PrintWriter out = spec.commandLine().getOut();
            if (r.path("executed").asBoolean()) {
                out.println(group + ": desired capacity " + r.path("previousDesiredCapacity").asInt() + " -> "
                        + r.path("desiredCapacity").asInt());
                out.println(r.path("activity").path("cause").asText());
            } else {
                out.println(group + ": nothing changed: " + r.path("message").asText());
            }
            out.flush();
        });
    }
}
