package io.headroom.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code headroom status}: one screen about the running Headroom, from {@code GET /api/v1/status}. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "Show the running Headroom: load balancers, target group health, auto scaling groups and the "
                + "latest scaling activities.")
public final class StatusCommand implements Callable<Integer> {
    @Mixin
    AdminOptions admin;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        return Cli.run(spec, () -> {
            JsonNode s = admin.client().get("/api/v1/status");
            PrintWriter out = spec.commandLine().getOut();
            out.println("headroom " + s.path("version").asText() + " at " + admin.url + ": " + (s.path("ready").asBoolean() ? "ready" : "not ready") + ", up "
                    + Cli.duration(Duration.ofSeconds(s.path("uptimeSeconds").asLong())) + ", config "
                    + s.path("config").asText());
            out.println();
            Table lbs = new Table("LOAD BALANCER", "TYPE", "LISTENERS", "REQUESTS/S");
            for (JsonNode lb : s.path("loadBalancers")) {
                List<String> listeners = new ArrayList<>();
                for (JsonNode l : lb.path("listeners")) {
                    listeners.add(l.path("protocol").asText() + " " + l.path("address").asText() + ":" + l.path("port").asInt());
                }
                lbs.row(lb.path("name").asText(), lb.path("type").asText(), String.join(", ", listeners),
                        String.format(java.util.Locale.ROOT, "%.1f", lb.path("requestsPerSecond").asDouble()));
            }
            lbs.print(out);
            out.println();
            Table tgs = new Table("TARGET GROUP", "HEALTHY/TOTAL");
            for (JsonNode tg : s.path("targetGroups")) {
                tgs.row(tg.path("name").asText(), tg.path("healthyCount").asInt() + "/" + tg.path("totalCount").asInt());
            }
            tgs.print(out);
            out.println();
            Table groups = new Table("AUTO SCALING GROUP", "MIN", "MAX", "DESIRED", "IN SERVICE", "PENDING", "TERMINATING",
                    "STANDBY", "WARM POOL", "ALARMS IN ALARM");
            for (JsonNode g : s.path("autoScalingGroups")) {
                groups.row(g.path("name").asText(), g.path("minSize").asInt(), g.path("maxSize").asInt(),
                        g.path("desiredCapacity").asInt(), g.path("inService").asInt(), g.path("pending").asInt(),
                        g.path("terminating").asInt(), g.path("standby").asInt(),
                        // warmed/wanted, e.g. 2/3; "-" without a warm pool
                        g.path("warmPool").isObject() ? g.path("warmPool").path("warmed").asInt() + "/"
                                + g.path("warmPool").path("desiredCapacity").asInt() : null,
                        g.path("alarmsInAlarm").asInt());
            }
            groups.print(out);
            for (JsonNode g : s.path("autoScalingGroups")) {
                List<String> suspended = new ArrayList<>();
                g.path("suspendedProcesses").forEach(p -> suspended.add(p.asText()));
                if (!suspended.isEmpty()) {
                    out.println(g.path("name").asText() + ": suspended " + String.join(", ", suspended)
                            + " (headroom resume " + g.path("name").asText() + ")");
                }
            }
            out.println();
            Table forecasts = new Table("PREDICTIVE POLICY", "GROUP", "MODE", "NOW", "PEAK (48 H)", "PAST DAY ERROR", "STATUS");
            boolean anyForecast = false;
            for (JsonNode g : s.path("autoScalingGroups")) {
                for (JsonNode f : g.path("forecasts")) {
                    anyForecast = true;
                    JsonNode peak = f.path("capacityPeak");
                    forecasts.row(f.path("policyName").asText(), g.path("name").asText(), f.path("mode").asText(),
                            f.path("capacityNow").isNumber() ? f.path("capacityNow").asText() : "-",
                            peak.isNumber() ? peak.asText() + " at " + f.path("peakAt").asText() : "-",
                            f.path("meanAbsolutePercentError").isNumber()
                                    ? f.path("meanAbsolutePercentError").asText() + " %" : "-",
                            f.path("status").asText());
                }
            }
            if (anyForecast) {
                forecasts.print(out);
                out.println();
            }
            Table refreshes = new Table("INSTANCE REFRESH", "GROUP", "STATUS", "COMPLETE", "TO UPDATE", "REASON");
            boolean anyRefresh = false;
            for (JsonNode g : s.path("autoScalingGroups")) {
                JsonNode r = g.path("instanceRefresh");
                if (r.isObject()) {
                    anyRefresh = true;
                    refreshes.row(r.path("instanceRefreshId").asText(), g.path("name").asText(), r.path("status").asText(),
                            r.path("percentageComplete").asInt() + " %", r.path("instancesToUpdate").asInt(),
                            r.path("statusReason").asText());
                }
            }
            if (anyRefresh) {
                refreshes.print(out);
                out.println();
            }
            if (!s.path("detachedInstances").isEmpty()) {
                Table detached = new Table("DETACHED INSTANCE", "FROM GROUP", "ADDRESS", "DETACHED AT");
                for (JsonNode d : s.path("detachedInstances")) {
                    detached.row(d.path("instanceId").asText(), d.path("detachedFrom").asText(),
                            d.path("host").asText() + ":" + d.path("port").asInt(), d.path("detachedTime").asText());
                }
                detached.print(out);
                out.println("(still running: headroom attach-instances GROUP INSTANCE, or they stop with Headroom)");
                out.println();
            }
            out.println("RECENT ACTIVITIES");
            if (s.path("recentActivities").isEmpty()) {
                out.println("(none)");
            }
            for (JsonNode a : s.path("recentActivities")) {
                out.println(Cli.activityLine(a));
            }
            out.flush();
        });
    }
}
