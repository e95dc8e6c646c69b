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
    }

    @Option(names = "--min-healthy-percentage", paramLabel = "PERCENT",
            description = "Share of the desired capacity kept InService and healthy throughout (0..100, default 90).")
    Integer minHealthyPercentage;

    @Option(names = "--max-healthy-percentage", paramLabel = "PERCENT",
            description = "Above 100: launch each batch's replacements ahead, up to this share of the desired capacity"
                    + " (100..200, default 100).")
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
                JsonNode r = admin.client().post(path, Map.of("preferences", prefs));
                out.println(group + ": started " + line(r));
                out.println("follow it with: headroom refresh " + group + " --list");
            }
            out.flush();
        });
    }

    /** {@code <id> Successful 100 % (0 to update) · min healthy 90 %, warmup 30 s · <reason>}. */
    private static String line(JsonNode r) {
        JsonNode p = r.path("preferences");
        return r.path("instanceRefreshId").asText() + " " + r.path("status").asText() + " "
                + r.path("percentageComplete").asInt() + " % (" + r.path("instancesToUpdate").asInt() + " to update)"
                + " · min healthy " + p.path("minHealthyPercentage").asInt() + " %"
                + (p.path("maxHealthyPercentage").asInt(100) > 100 ? ", max " + p.path("maxHealthyPercentage").asInt() + " %" : "")
                + ", warmup "
                + p.path("instanceWarmup").asInt() + " s" + (p.path("skipMatching").asBoolean() ? ", skip matching" : "")
                + (p.path("checkpointPercentages").isEmpty() ? "" : ", checkpoints " + p.path("checkpointPercentages")
                        + " every " + p.path("checkpointDelay").asInt() + " s")
                + " · started " + r.path("startTime").asText() + " · " + r.path("statusReason").asText();
    }
}
