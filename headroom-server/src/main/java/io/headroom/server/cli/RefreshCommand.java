package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code headroom refresh GROUP}: starts an instance refresh (AWS StartInstanceRefresh), or with {@code --cancel}
 * cancels the active one, or with {@code --list} shows the group's refreshes.
 */
@Command(name = "refresh", mixinStandardHelpOptions = true,
        description = "Replace the instances of an auto scaling group a batch at a time (an instance refresh), keeping"
                + " a minimum healthy percentage InService; or cancel or list refreshes.")
public final class RefreshCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Parameters(index = "0", paramLabel = "GROUP", description = "The auto scaling group.")
    String group;

    @ArgGroup(exclusive = true)
    Other other;

    static final class Other {
        @Option(names = "--cancel", description = "Cancel the active instance refresh.")
        boolean cancel;

        @Option(names = "--list", description = "List the group's instance refreshes, newest first.")
        boolean list;

        @Option(names = "--rollback", description = "Roll the active instance refresh back: replace the instances it"
                + " launched with the launch template version the group had before it (AWS RollbackInstanceRefresh;"
                + " needs a refresh started with --launch-template-version, of a group on a numbered version).")
        boolean rollback;
    }

    @Option(names = "--launch-template-version", paramLabel = "VERSION",
            description = "The desired configuration: roll out this launch template version (a number, $Latest or"
                    + " $Default); the group launches it once the refresh is successful. Default: the version the group"
                    + " launches now.")
    String launchTemplateVersion;

    @Option(names = "--auto-rollback", description = "Roll back instead of failing (needs --launch-template-version).")
    boolean autoRollback;

    @Option(names = "--alarms", paramLabel = "NAME,NAME,...", split = ",",
            description = "The refresh fails (or, with --auto-rollback, rolls back) while any of these alarms of the"
                    + " group is in ALARM.")
    List<String> alarms;

    @Option(names = "--scale-in-protected-instances", paramLabel = "Refresh|Ignore|Wait",
            description = "Instances protected from scale in: replaced, left alone (default) or replaced once"
                    + " unprotected.")
    String scaleInProtectedInstances;

    @Option(names = "--standby-instances", paramLabel = "Terminate|Ignore|Wait",
            description = "Instances in Standby: terminated, left alone (default) or replaced once back InService.")
    String standbyInstances;

    @Option(names = "--min-healthy-percentage", paramLabel = "PERCENT",
            description = "Share of the desired capacity kept InService and healthy throughout (0..100, default: the"
                    + " group's instanceMaintenancePolicy, else 90).")
    Integer minHealthyPercentage;

    @Option(names = "--max-healthy-percentage", paramLabel = "PERCENT",
            description = "Above 100: launch each batch's replacements ahead, up to this share of the desired capacity"
                    + " (100..200, default: the group's instanceMaintenancePolicy, else 100).")
    Integer maxHealthyPercentage;

    @Option(names = "--instance-warmup", paramLabel = "SECONDS",
            description = "How long a replacement must be InService before the next batch (default: the group's"
                    + " defaultInstanceWarmupSeconds).")
    Integer instanceWarmup;

    @Option(names = "--skip-matching", description = "Leave instances already on the launch template version the"
            + " group launches.")
    boolean skipMatching;

    @Option(names = "--checkpoint-percentages", paramLabel = "P,P,...", split = ",",
            description = "Pause after each of these shares of the instances is replaced, ascending, e.g. 20,50,100;"
                    + " a last one below 100 stops the refresh there.")
    List<Integer> checkpointPercentages;

    @Option(names = "--checkpoint-delay", paramLabel = "SECONDS",
            description = "How long to wait at each checkpoint (0..172800, default 3600).")
    Integer checkpointDelay;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            String path = "/api/v1/auto-scaling-groups/" + AdminClient.encode(group) + "/instance-refreshes";
            PrintWriter out = spec.commandLine().getOut();
            if (other != null && other.list) {
                JsonNode all = admin.client().get(path).path("instanceRefreshes");
                if (all.isEmpty()) {
                    out.println(group + ": no instance refreshes");
                }
                for (JsonNode r : all) {
                    out.println(line(r));
                }
            } else if (other != null && other.cancel) {
                out.println(group + ": cancelled " + line(admin.client().delete(path)));
            } else if (other != null && other.rollback) {
                JsonNode r = admin.client().post("/api/v1/auto-scaling-groups/" + AdminClient.encode(group)
                        + "/rollback-instance-refresh", Map.of());
                out.println(group + ": rolling back " + line(r));
                out.println("follow it with: headroom refresh " + group + " --list");
            } else {
                Map<String, Object> prefs = new LinkedHashMap<>();
                if (minHealthyPercentage != null) {
                    prefs.put("minHealthyPercentage", minHealthyPercentage);
                }
                if (maxHealthyPercentage != null) {
                    prefs.put("maxHealthyPercentage", maxHealthyPercentage);
                }
                if (instanceWarmup != null) {
                    prefs.put("instanceWarmup", instanceWarmup);
                }
                prefs.put("skipMatching", skipMatching);
                if (checkpointPercentages != null) {
                    prefs.put("checkpointPercentages", checkpointPercentages);
                }
                if (checkpointDelay != null) {
                    prefs.put("checkpointDelay", checkpointDelay);
                }
                prefs.put("autoRollback", autoRollback);
                if (alarms != null) {
                    prefs.put("alarmSpecification", Map.of("alarms", alarms));
                }
                if (scaleInProtectedInstances != null) {
                    prefs.put("scaleInProtectedInstances", scaleInProtectedInstances);
                }
                if (standbyInstances != null) {
                    prefs.put("standbyInstances", standbyInstances);
                }
                Map<String, Object> body = new LinkedHashMap<>();
                if (launchTemplateVersion != null) {
                    body.put("desiredConfiguration", Map.of("launchTemplateVersion", launchTemplateVersion));
                }
                body.put("preferences", prefs);
                JsonNode r = admin.client().post(path, body);
                out.println(group + ": started " + line(r));
                out.println("follow it with: headroom refresh " + group + " --list");
            }
            out.flush();
        });
    }

    /**
     * {@code <id> Successful 100 % (0 to update) · version 2 (desired) · min healthy 90 %, warmup 30 s · started … ·
     * <reason> [· rollback: <reason> at <time>]}.
     */
    private static String line(JsonNode r) {
        JsonNode p = r.path("preferences");
        JsonNode desired = r.path("desiredConfiguration");
        JsonNode rb = r.path("rollbackDetails");
        return r.path("instanceRefreshId").asText() + " " + r.path("status").asText() + " "
                + r.path("percentageComplete").asInt() + " % (" + r.path("instancesToUpdate").asInt() + " to update)"
                + " · version " + r.path("launchTemplateVersion").asInt()
                + (desired.isObject() ? " (desired " + desired.path("launchTemplateVersion").asText() + ")" : "")
                + " · min healthy " + p.path("minHealthyPercentage").asInt() + " %"
                + (p.path("maxHealthyPercentage").asInt(100) > 100 ? ", max " + p.path("maxHealthyPercentage").asInt() + " %" : "")
                + ", warmup "
                + p.path("instanceWarmup").asInt() + " s" + (p.path("skipMatching").asBoolean() ? ", skip matching" : "")
                + (p.path("checkpointPercentages").isEmpty() ? "" : ", checkpoints " + p.path("checkpointPercentages")
                        + " every " + p.path("checkpointDelay").asInt() + " s")
                + (p.path("autoRollback").asBoolean() ? ", auto rollback" : "")
                + (p.path("alarmSpecification").isObject() ? ", alarms " + String.join(",", texts(
                        p.path("alarmSpecification").path("alarms"))) : "")
                + (p.path("scaleInProtectedInstances").asText("Ignore").equals("Ignore") ? ""
                        : ", protected instances: " + p.path("scaleInProtectedInstances").asText())
                + (p.path("standbyInstances").asText("Ignore").equals("Ignore") ? ""
                        : ", standby instances: " + p.path("standbyInstances").asText())
                + " · started " + r.path("startTime").asText() + " · " + r.path("statusReason").asText()
                + (rb.isObject() ? " · rollback started " + rb.path("rollbackStartTime").asText() + " at "
                        + rb.path("percentageCompleteOnRollback").asInt() + " %: " + rb.path("rollbackReason").asText()
                        : "");
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new java.util.ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
