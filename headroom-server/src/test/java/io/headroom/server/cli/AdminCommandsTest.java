package io.headroom.server.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.headroom.server.Main;
import io.headroom.server.admin.AdminFixture;
import io.headroom.server.e2e.Support;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code headroom status|scale|targets|activities} run in-process against a real running Headroom. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AdminCommandsTest {
    private static final String TOKEN = "cli-test-token";
    private AdminFixture h;

    record Run(int exit, String out, String err) {}

    @BeforeAll
    void start(@TempDir Path dir) throws Exception {
        h = new AdminFixture(dir, TOKEN);
        await().atMost(Duration.ofSeconds(30)).until(() -> h.get("/api/v1/target-groups/web").json().path("healthyCount").asInt() == 2
                && h.get("/api/v1/auto-scaling-groups/demo").json().path("inService").asInt() == 1);
    }

    @AfterAll
    void stop() {
        if (h != null) {
            h.close();
        }
    }

    private Run run(String... args) {
        CommandLine cl = Main.commandLine();
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int exit = cl.execute(args);
        return new Run(exit, out.toString(), err.toString());
    }

    private Run admin(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--admin", h.adminUrl(), "--token", TOKEN));
        return run(all.toArray(String[]::new));
    }

    @Test
    void statusShowsLoadBalancersTargetGroupsGroupsAndRecentActivities() {
        // The predictive policy has a forecast (status) once the controller has evaluated it.
        await().atMost(Duration.ofSeconds(10)).until(() -> !h.server.controller().group("demo").forecasts().isEmpty());
        Run r = admin("status");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("headroom 0.1.0 at " + h.adminUrl() + ": ready");
        assertThat(r.out()).containsPattern("web\\s+application\\s+HTTP 127\\.0\\.0\\.1:" + h.lbPort);
        assertThat(r.out()).containsPattern("(?m)^web\\s+2/2$");
        assertThat(r.out()).containsPattern("(?m)^AUTO SCALING GROUP\\s+MIN\\s+MAX\\s+DESIRED\\s+IN SERVICE\\s+PENDING"
                + "\\s+TERMINATING\\s+STANDBY\\s+WARM POOL\\s+ALARMS IN ALARM$");
        assertThat(r.out()).containsPattern("(?m)^demo\\s+1\\s+3\\s+\\d\\s+\\d\\s+\\d\\s+\\d\\s+\\d\\s+-\\s+0$");
        assertThat(r.out()).contains("RECENT ACTIVITIES").contains("Launching a new EC2 instance");
        // The fixture's predictive policy has no day of history yet: no capacity, and the status says why.
        assertThat(r.out()).containsPattern("(?m)^forecast\\s+demo\\s+ForecastOnly\\s+-\\s+-\\s+-\\s+no forecast yet: \\d+ of the 24"
                + " hours of TotalCPUUtilization\\{AutoScalingGroupName=demo\\} history it needs$");
    }

    @Test
    void scaleSetsTheDesiredCapacityAndPrintsTheCause() {
        Run r = admin("scale", "demo", "2");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("demo: desired capacity set to 2").contains("changing the desired capacity from");
        assertThat(h.server.controller().group("demo").desiredCapacity()).isEqualTo(2);
        Run back = admin("scale", "demo", "1");
        assertThat(back.exit()).isZero();
        assertThat(h.server.controller().group("demo").desiredCapacity()).isEqualTo(1);
    }

    @Test
    void refreshStartsListsAndCancelsAnInstanceRefresh() {
        Run started = admin("refresh", "demo", "--min-healthy-percentage", "100", "--instance-warmup", "3600",
                "--checkpoint-percentages", "50,100", "--checkpoint-delay", "600");
        assertThat(started.exit()).as(started.err()).isZero();
        assertThat(started.out()).containsPattern("demo: started \\S+ Pending 0 % \\(\\d+ to update\\) · version 1 · min"
                + " healthy 100 %,"
                + " warmup 3600 s, checkpoints \\[50,100\\] every 600 s · started \\S+Z · ");
        String id = h.server.controller().group("demo").instanceRefreshes().get(0).instanceRefreshId();
        assertThat(started.out()).contains(id);
        Run status = admin("status");
        assertThat(status.out()).containsPattern("(?m)^INSTANCE REFRESH\\s+GROUP\\s+STATUS\\s+COMPLETE\\s+TO UPDATE\\s+REASON$")
                .containsPattern("(?m)^" + id + "\\s+demo\\s+(Pending|InProgress)\\s+0 %\\s+\\d+\\s+\\S");
        Run again = admin("refresh", "demo");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("headroom refresh: An instance refresh is already in progress").contains(id);
        Run cancelled = admin("refresh", "demo", "--cancel");
        assertThat(cancelled.exit()).as(cancelled.err()).isZero();
        assertThat(cancelled.out()).startsWith("demo: cancelled " + id + " Cancelled ").contains("Cancelled by a user request.");
        assertThat(admin("status").out()).doesNotContain("INSTANCE REFRESH");
        Run list = admin("refresh", "demo", "--list");
        assertThat(list.exit()).as(list.err()).isZero();
        assertThat(list.out()).startsWith(id + " Cancelled ");
        Run bad = admin("refresh", "demo", "--min-healthy-percentage", "120");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("preferences.minHealthyPercentage: 120 (expected: 0..100)");
        Run tooHigh = admin("refresh", "demo", "--max-healthy-percentage", "201");
        assertThat(tooHigh.exit()).isEqualTo(1);
        assertThat(tooHigh.err()).contains("preferences.maxHealthyPercentage: 201 (expected: 100..200)");
        Run both = admin("refresh", "demo", "--cancel", "--list");
        assertThat(both.exit()).isEqualTo(2);
    }

    @Test
    void refreshRollsOutADesiredVersionAndRollsItBack() {
        Run none = admin("refresh", "demo", "--rollback");
        assertThat(none.exit()).isEqualTo(1);
        assertThat(none.err()).contains("No instance refresh is in progress for auto scaling group 'demo' to roll back.");
        Run unknown = admin("refresh", "demo", "--launch-template-version", "9");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("desiredConfiguration.launchTemplateVersion: '9' is not a version of launch"
                + " template demo (expected: 1..2, $Latest or $Default)");
        Run badAlarm = admin("refresh", "demo", "--alarms", "nope");
        assertThat(badAlarm.exit()).isEqualTo(1);
        assertThat(badAlarm.err()).contains("no alarm 'nope' in auto scaling group 'demo' (its alarms: StepScaling-demo-burst)");

        // Two instances: version 2 replaces one, then the refresh waits at its checkpoint.
        assertThat(admin("scale", "demo", "2").exit()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> h.server.controller().group("demo").instances().stream()
                .filter(i -> i.lifecycleState() == io.headroom.scaling.LifecycleState.InService).count() == 2);
        Run started = admin("refresh", "demo", "--launch-template-version", "2", "--min-healthy-percentage", "100",
                "--instance-warmup", "0", "--checkpoint-percentages", "50", "--checkpoint-delay", "600",
                "--auto-rollback", "--alarms", "StepScaling-demo-burst", "--scale-in-protected-instances", "Wait");
        assertThat(started.exit()).as(started.err()).isZero();
        assertThat(started.out()).containsPattern("demo: started \\S+ Pending 0 % \\(\\d+ to update\\) · version 2"
                + " \\(desired 2\\) · min healthy 100 %, warmup 0 s, checkpoints \\[50\\] every 600 s, auto rollback,"
                + " alarms StepScaling-demo-burst, protected instances: Wait · started ");
        await().atMost(Duration.ofSeconds(30)).until(() -> admin("refresh", "demo", "--list").out()
                .contains("Waiting at checkpoint 1 of 1"));
        Run rolling = admin("refresh", "demo", "--rollback");
        assertThat(rolling.exit()).as(rolling.err()).isZero();
        assertThat(rolling.out()).containsPattern("demo: rolling back \\S+ RollbackInProgress \\d+ % \\(1 to update\\)")
                .contains("· rollback started ").contains(": Rollback initiated by a user request.");
        await().atMost(Duration.ofSeconds(30)).until(() -> admin("refresh", "demo", "--list").out()
                .matches("(?s)\\S+ RollbackSuccessful 100 % .*"));
        assertThat(admin("refresh", "demo", "--list").out()).contains("Rollback complete: every instance launched by"
                + " the refresh was replaced with launch template version 1.");
        await().atMost(Duration.ofSeconds(30)).until(() -> h.server.controller().group("demo").instances().stream()
                .filter(i -> i.lifecycleState().isActive()).allMatch(i -> i.launchTemplateVersion() == 1));
        assertThat(admin("scale", "demo", "1").exit()).isZero();
    }

    @Test
    void suspendAndResumeProcessesAndStatusSaysSo() {
        Run suspended = admin("suspend", "demo", "Launch", "ReplaceUnhealthy");
        assertThat(suspended.exit()).as(suspended.err()).isZero();
        assertThat(suspended.out()).containsPattern("(?m)^demo: Launch suspended \\(User suspended at \\S+Z\\)$")
                .contains("demo: ReplaceUnhealthy suspended");
        assertThat(admin("status").out()).contains("demo: suspended Launch, ReplaceUnhealthy (headroom resume demo)");
        Run bad = admin("suspend", "demo", "Nap");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("scalingProcesses[0]: \"Nap\" (expected: Launch | Terminate");
        Run resumed = admin("resume", "demo");
        assertThat(resumed.exit()).as(resumed.err()).isZero();
        assertThat(resumed.out()).isEqualTo("demo: no processes suspended" + System.lineSeparator());
        assertThat(admin("status").out()).doesNotContain("suspended");
    }

    @Test
    void standbyMovesAnInstanceOutOfServiceAndBack() {
        await().atMost(Duration.ofSeconds(30)).until(() -> h.server.controller().group("demo").instances().stream()
                .anyMatch(i -> i.lifecycleState() == io.headroom.scaling.LifecycleState.InService));
        String id = h.server.controller().group("demo").instances().stream()
                .filter(i -> i.lifecycleState() == io.headroom.scaling.LifecycleState.InService).findFirst().orElseThrow()
                .instanceId();
        int desired = h.server.controller().group("demo").desiredCapacity();
        Run entered = admin("standby", "demo", id);
        assertThat(entered.exit()).as(entered.err()).isZero();
        assertThat(entered.out()).startsWith("demo: Moving EC2 instance to Standby: " + id)
                .contains("was moved to standby in response to a user request.");
        await().atMost(Duration.ofSeconds(30)).until(() -> h.server.controller().group("demo").instances().stream()
                .anyMatch(i -> i.instanceId().equals(id) && i.lifecycleState() == io.headroom.scaling.LifecycleState.Standby));
        Run exited = admin("standby", "demo", id, "--exit");
        assertThat(exited.exit()).as(exited.err()).isZero();
        assertThat(exited.out()).startsWith("demo: Moving EC2 instance out of Standby: " + id);
        Run again = admin("standby", "demo", id, "--exit");
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("(expected: Standby)");
        assertThat(admin("scale", "demo", String.valueOf(desired)).exit()).isZero();
        // The tests share one server: leave the group settled for the next.
        await().atMost(Duration.ofSeconds(40)).until(() -> h.server.controller().group("demo").instances().stream()
                .filter(i -> i.lifecycleState() != io.headroom.scaling.LifecycleState.Terminated)
                .allMatch(i -> i.lifecycleState() == io.headroom.scaling.LifecycleState.InService)
                && h.server.controller().group("demo").instances().stream()
                .filter(i -> i.lifecycleState() == io.headroom.scaling.LifecycleState.InService).count() == desired);
    }

    private static final io.headroom.scaling.LifecycleState IN_SERVICE = io.headroom.scaling.LifecycleState.InService;

    /** Waits until the demo group has {@code desired} InService instances and nothing else but Terminated ones. */
    private void settled(int desired) {
        await().atMost(Duration.ofSeconds(40)).until(() -> h.server.controller().group("demo").instances().stream()
                .filter(i -> i.lifecycleState() != io.headroom.scaling.LifecycleState.Terminated)
                .allMatch(i -> i.lifecycleState() == IN_SERVICE)
                && h.server.controller().group("demo").instances().stream()
                .filter(i -> i.lifecycleState() == IN_SERVICE).count() == desired);
    }

    private String inServiceInstance() {
        await().atMost(Duration.ofSeconds(30)).until(() -> h.server.controller().group("demo").instances().stream()
                .anyMatch(i -> i.lifecycleState() == IN_SERVICE));
        return h.server.controller().group("demo").instances().stream().filter(i -> i.lifecycleState() == IN_SERVICE)
                .findFirst().orElseThrow().instanceId();
    }

    @Test
    void detachInstancesAndAttachThemAgain() {
        int desired = h.server.controller().group("demo").desiredCapacity();
        settled(desired);
        String id = inServiceInstance();
        Run missing = admin("detach-instances", "demo", id);
        assertThat(missing.exit()).isEqualTo(2);
        assertThat(missing.err()).contains("--decrement-desired-capacity");

        Run detached = admin("detach-instances", "demo", id, "--no-decrement-desired-capacity");
        assertThat(detached.exit()).as(detached.err()).isZero();
        assertThat(detached.out()).startsWith("demo: Detaching EC2 instance: " + id)
                .contains("instance " + id + " was detached in response to a user request.");
        await().atMost(Duration.ofSeconds(30)).until(() -> h.server.controller().detachedInstances().stream()
                .anyMatch(d -> d.instanceId().equals(id)));
        Run status = admin("status");
        assertThat(status.out()).containsPattern("(?m)^DETACHED INSTANCE\\s+FROM GROUP\\s+ADDRESS\\s+DETACHED AT$")
                .containsPattern("(?m)^" + id + "\\s+demo\\s+127\\.0\\.0\\.1:\\d+\\s+\\S+Z$");

        Run attached = admin("attach-instances", "demo", id);
        assertThat(attached.exit()).as(attached.err()).isZero();
        assertThat(attached.out()).startsWith("demo: Attaching an existing EC2 instance: " + id)
                .contains("an instance was added in response to user request. Keeping the capacity at the new "
                        + (desired + 1) + ".");
        Run again = admin("attach-instances", "demo", id);
        assertThat(again.exit()).isEqualTo(1);
        assertThat(again.err()).contains("headroom attach-instances: The instance " + id
                + " is already part of AutoScalingGroup 'demo'");
        assertThat(admin("scale", "demo", String.valueOf(desired)).exit()).isZero();
        settled(desired);
    }

    @Test
    void setInstanceHealthAndExecutePolicy() {
        int desired = h.server.controller().group("demo").desiredCapacity();
        settled(desired);
        String id = inServiceInstance();
        Run bad = admin("set-instance-health", "demo", id, "Sick");
        assertThat(bad.exit()).isEqualTo(1);
        assertThat(bad.err()).contains("healthStatus: 'Sick' (expected: Healthy or Unhealthy)");
        Run unhealthy = admin("set-instance-health", "demo", id, "Unhealthy", "--no-respect-grace-period");
        assertThat(unhealthy.exit()).as(unhealthy.err()).isZero();
        assertThat(unhealthy.out()).startsWith("demo: " + id + " is Unhealthy ("); // InService, or already being replaced
        // Replaced: the group's activities say why.
        await().atMost(Duration.ofSeconds(40)).until(() -> h.server.controller().group("demo").activities().stream()
                .anyMatch(a -> a.description().equals("Terminating EC2 instance: " + id)
                        && a.cause().endsWith("an instance was taken out of service in response to a user health-check.")));
        settled(desired);

        Run executed = admin("execute-policy", "demo", "burst", "--metric-value", "1500", "--breach-threshold", "1000");
        assertThat(executed.exit()).as(executed.err()).isZero();
        assertThat(executed.out()).startsWith("demo: desired capacity " + desired + " -> " + (desired + 1))
                .contains("a user request executed policy burst changing the desired capacity");
        Run refused = admin("execute-policy", "demo", "burst", "--honor-cooldown", "--metric-value", "1500",
                "--breach-threshold", "1000");
        assertThat(refused.exit()).isEqualTo(1);
        assertThat(refused.err()).contains("honorCooldown: true for step scaling policy burst");
        assertThat(admin("scale", "demo", String.valueOf(desired)).exit()).isZero();
        settled(desired);
    }

    @Test
    void scaleOutsideMinMaxPrintsTheApiMessageAndExits1() {
        Run r = admin("scale", "demo", "9");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("headroom scale: desiredCapacity: 9 is above maxSize 3").contains("1..3");
        assertThat(r.out()).isEmpty();
        Run unknown = admin("scale", "nope", "1");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no auto scaling group named 'nope'");
    }

    @Test
    void targetsListsEveryTargetWithItsHealth() {
        Run r = admin("targets", "web");
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("web: 2/2 healthy");
        for (var b : h.backends) {
            assertThat(r.out()).containsPattern("127\\.0\\.0\\.1:" + b.port() + "\\s+healthy.*\\s+normal\\s+no");
        }
        assertThat(r.out()).contains("ANOMALY", "MITIGATION").doesNotContain("routing failover");
        Run unknown = admin("targets", "nope");
        assertThat(unknown.exit()).isEqualTo(1);
        assertThat(unknown.err()).contains("no target group named 'nope'");
    }

    @Test
    void activitiesShowsNewestFirstWithCauses() {
        Run r = admin("activities", "demo", "--limit", "100"); // other tests add activities of their own
        assertThat(r.exit()).as(r.err()).isZero();
        assertThat(r.out()).contains("Launching a new EC2 instance").contains("    cause: At ");
    }

    @Test
    void aWrongTokenIsAClearErrorAndExit1() {
        Run r = run("status", "--admin", h.adminUrl(), "--token", "wrong");
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.err()).contains("headroom status: wrong admin token");
    }

    @Test
    void notRunningSaysSoAndExits1() {
        int closed = Support.freePort();
        String url = "http://127.0.0.1:" + closed;
        for (String[] args : List.of(new String[] {"status"}, new String[] {"scale", "demo", "2"},
                new String[] {"targets", "web"}, new String[] {"activities", "demo"})) {
            List<String> all = new ArrayList<>(List.of(args));
            all.addAll(List.of("--admin", url));
            Run r = run(all.toArray(String[]::new));
            assertThat(r.exit()).isEqualTo(1);
            assertThat(r.err()).contains("headroom is not running at " + url
                    + " (connection refused); start it with ./headroom up");
        }
    }
}
