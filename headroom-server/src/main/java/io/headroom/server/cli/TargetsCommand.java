package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code headroom targets TG}: the targets of a target group with their health and anomaly detection result (AWS
 * DescribeTargetHealth).
 */
@Command(name = "targets", mixinStandardHelpOptions = true,
        description = "List the targets of a target group with their health state and reason.")
public final class TargetsCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "TARGET_GROUP", description = "The target group.")
    String targetGroup;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            JsonNode tg = admin.client().get("/api/v1/target-groups/" + AdminClient.encode(targetGroup));
            PrintWriter out = spec.commandLine().getOut();
            out.println(tg.path("name").asText() + ": " + tg.path("healthyCount").asInt() + "/" + tg.path("totalCount").asInt()
                    + " healthy (" + tg.path("protocol").asText() + ", " + tg.path("algorithm").asText() + ", health check "
                    + tg.path("healthCheck").path("protocol").asText() + " " + tg.path("healthCheck").path("path").asText("") + ")");
            JsonNode routing = tg.path("targetGroupHealth").path("unhealthyStateRouting");
            if (routing.path("failOpen").asBoolean(false) && tg.path("totalCount").asInt() > 0) {
                out.println("routing failover in effect: all targets get traffic, unhealthy ones too (minimumHealthyTargetsCount "
                        + routing.path("minimumHealthyTargetsCount").asText() + ", minimumHealthyTargetsPercentage "
                        + routing.path("minimumHealthyTargetsPercentage").asText() + ")");
            }
            Table t = new Table("TARGET", "STATE", "REASON", "DESCRIPTION", "ANOMALY", "MITIGATION");
            for (JsonNode target : tg.path("targets")) {
                JsonNode anomaly = target.path("anomalyDetection");
                t.row(target.path("id").asText(), target.path("state").asText(), text(target.path("reason")),
                        text(target.path("description")), text(anomaly.path("result")),
                        text(anomaly.path("mitigationInEffect")));
            }
            t.print(out);
            out.flush();
        });
    }

    private static String text(JsonNode n) {
        return n.isNull() || n.isMissingNode() ? "-" : n.asText();
    }
}
