package io.headroom.server.dashboard;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.headroom.scaling.Instance;
import io.headroom.scaling.LifecycleState;
import io.headroom.scaling.ScalingProcess;
import io.headroom.server.HeadroomServer;
import io.headroom.server.Variables;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.logging.Level;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in real headless Chromium against a real Headroom (load balancer, target group and an auto
 * scaling group of demo-app processes): live data arrives, desired capacity is set from the page, the new
 * instance shows up Pending then InService, API errors appear inline, instances are protected and terminated from
 * their rows, and Drain deregisters a target.
 *
 * <p>Needs Debian's {@code chromium} and {@code chromium-driver} ({@code /usr/bin/chromium},
 * {@code /usr/bin/chromedriver}; other paths with {@code -Dheadroom.test.chromium=} and
 * {@code -Dwebdriver.chrome.driver=}); skipped without them. Selenium Manager is never asked to download anything: the
 * driver and browser paths are given. Screenshots go to {@code <build dir>/dashboard.png} (the 1280×800 viewport)
 * and {@code dashboard-full.png} (the whole page).
 */
class DashboardBrowserTest {
    private static final Path CHROMIUM = Path.of(System.getProperty("headroom.test.chromium", "/usr/bin/chromium"));
    private static final Path CHROMEDRIVER = Path.of(System.getProperty("webdriver.chrome.driver", "/usr/bin/chromedriver"));
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @TempDir
    Path dir;

    private HeadroomServer server;
    private WebDriver driver;
    private Thread traffic;
    private volatile boolean stopTraffic;
    private final List<HttpServer> backends = new java.util.ArrayList<>();
    private Socket flow;

    @BeforeEach
    void requireChromium() {
        assumeTrue(Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
                "headless Chromium is not installed: the dashboard browser test needs " + CHROMIUM + " and "
                        + CHROMEDRIVER + " (apt-get install chromium chromium-driver)");
    }

    @AfterEach
    void stop() throws InterruptedException, IOException {
        stopTraffic = true;
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            if (traffic != null) {
                traffic.join(5_000);
            }
            try {
                if (server != null) {
                    server.shutdown(Duration.ofSeconds(2));
                }
            } finally {
                if (flow != null) {
                    flow.close();
                }
                backends.forEach(b -> b.stop(0));
            }
        }
    }

    @Test
    void showsLiveDataAndSetsDesiredCapacityFromThePage() throws Exception {
        int lbPort = freePort();
        server = startHeadroom(lbPort);
        sendTraffic(lbPort);
        driver = chromium();
        driver.get("http://127.0.0.1:" + server.admin().port() + "/");
        WebDriverWait wait = waitUpTo(Duration.ofSeconds(60));

        // Live data: the first instance's target turns healthy, requests and capacity are charted.
        wait.until(d -> stateOfSomeTarget("web").equals("healthy"));
        wait.until(d -> points("#chart-requests") > 0 && points("#chart-latency") > 0
                && points("article[data-asg='web'] .chart.capacity") > 0);
        assertThat(text("#card-targets .value")).isEqualTo("1 / 1");
        assertThat(text("#card-lb .value")).isEqualTo("1");
        assertThat(text("#conn-text")).startsWith("Live");
        assertThat(text("article[data-asg='web'] .policies"))
                .contains("cpu90", "TargetTrackingScaling", "ASGAverageCPUUtilization at 90", "(scale in disabled)",
                        "forecast", "PredictiveScaling", "ALBRequestCount at 40, ForecastOnly · forecast ",
                        " now, peak 6 within 48 h · the past day's forecasts were off by 0 % on average");
        // The history in the state file gives a forecast: 48 hourly points on the group's forecast chart.
        wait.until(d -> points("article[data-asg='web'] .chart.forecast") == 48);
        assertThat(text("article[data-asg='web'] .scheduled")).contains("new-year", "0 3 1 1 * UTC", "desired 1");
        assertThat(text("article[data-asg='web'] .facts")).startsWith("launch template demo (1) · zones zone-a, zone-b"
                + " · health check ELB, grace period 30 s · instance warmup 5 s · target groups web");
        Set<String> before = instanceIds();
        assertThat(before).hasSize(1);
        // The target group sees the first passing health check a moment before the group's next tick.
        wait.until(d -> "InService".equals(lifecycle(before.iterator().next())));

        // Out of range: the API's validation message shows next to the control; nothing changes.
        WebElement input = driver.findElement(By.cssSelector("article[data-asg='web'] form.desired input"));
        WebElement set = driver.findElement(By.cssSelector("article[data-asg='web'] form.desired button"));
        input.clear();
        input.sendKeys("9");
        set.click();
        wait.until(d -> text("article[data-asg='web'] .form-error").contains("desiredCapacity"));
        assertThat(text("article[data-asg='web'] .form-error")).contains("9").contains("maxSize 3");
        assertThat(server.controller().group("web").desiredCapacity()).isEqualTo(1);
        elementScreenshot("article[data-asg='web'] .asg-body", "dashboard-desired-capacity-error.png");

        // Desired capacity 2 from the page: the error goes, a new instance appears Pending, then InService.
        recordLifecycleStates();
        input.clear();
        input.sendKeys("2");
        set.click();
        wait.until(d -> !driver.findElement(By.cssSelector("article[data-asg='web'] .form-error")).isDisplayed());
        assertThat(server.controller().group("web").desiredCapacity()).isEqualTo(2);
        wait.until(d -> newInstance(before) != null);
        String added = newInstance(before);
        // Pending lasts through the process start and the first health check (seconds); the page polls every
        // second, and the recorder sees every state the page rendered.
        wait.until(d -> "InService".equals(lifecycle(added)));
        assertThat(recordedLifecycleStates(added)).startsWith("Pending").endsWith("InService");
        wait.until(d -> text("article[data-asg='web'] dl.sizes").contains("InService\n2")
                || text("article[data-asg='web'] dl.sizes").contains("InService 2"));
        wait.until(d -> text("article[data-asg='web'] table.activities tbody")
                .contains("a user request explicitly set group desired capacity changing the desired capacity from 1 to 2"));
        wait.until(d -> text("#card-targets .value").equals("2 / 2"));

        screenshot("dashboard.png", "dashboard-full.png");
        assertThat(severeBrowserErrors()).isEmpty();

        // Instance actions from the rows. Protect the first instance from scale in: the page and the group say so.
        String first = before.iterator().next();
        click(instanceButton(first, "protect"));
        wait.until(d -> text(instanceRow(first) + " td:nth-child(7)").equals("Yes")
                && text(instanceRow(first) + " button.protect").equals("Unprotect"));
        assertThat(instance(first).protectedFromScaleIn()).isTrue();
        // Terminate & shrink the added one, once the browser's confirmation is accepted: desired 2 -> 1.
        click(instanceButton(added, "shrink"));
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> !Set.of("Pending", "InService").contains(lifecycle(added)));
        assertThat(server.controller().group("web").desiredCapacity()).isEqualTo(1);
        wait.until(d -> text("article[data-asg='web'] table.activities tbody")
                .contains("in response to a user request, shrinking the capacity from 2 to 1"));
        // Once more, on the first: that would take the group below minSize 1. The API's refusal shows in the page.
        click(instanceButton(first, "shrink"));
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> text("article[data-asg='web'] .asg-body > .form-error").contains("min size"));
        assertThat(text("article[data-asg='web'] .asg-body > .form-error")).startsWith(first + ": ");
        assertThat(server.controller().group("web").desiredCapacity()).isEqualTo(1);
        assertThat(instance(first).lifecycleState()).isEqualTo(LifecycleState.InService);
        // A dismissed confirmation sends nothing.
        click(instanceButton(first, "replace"));
        wait.until(ExpectedConditions.alertIsPresent()).dismiss();
        click(instanceButton(first, "protect"));
        wait.until(d -> text(instanceRow(first) + " td:nth-child(7)").equals("No"));
        assertThat(instance(first).protectedFromScaleIn()).isFalse();
        assertThat(instance(first).lifecycleState()).isEqualTo(LifecycleState.InService);
        // Terminate it (replace): the desired capacity stays 1 and the group launches a replacement.
        Set<String> beforeReplace = instanceIds();
        click(instanceButton(first, "replace"));
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> !Set.of("Pending", "InService").contains(lifecycle(first)));
        wait.until(d -> newInstance(beforeReplace) != null);
        String replacement = newInstance(beforeReplace);
        wait.until(d -> "InService".equals(lifecycle(replacement)));
        assertThat(server.controller().group("web").desiredCapacity()).isEqualTo(1);
        assertThat(text("article[data-asg='web'] .asg-body > .form-error")).isEmpty();

        // An instance refresh started through the API shows in the group's panel, and its end too.
        assertThat(driver.findElement(By.cssSelector("article[data-asg='web'] .refresh")).isDisplayed()).isFalse();
        server.controller().group("web").startInstanceRefresh(100, 3600, false);
        wait.until(d -> text("article[data-asg='web'] .refresh").startsWith("InProgress")
                && text("article[data-asg='web'] .refresh").contains("Instance refresh 0 % complete, 1 to update"));
        assertThat(text("article[data-asg='web'] .refresh")).contains("min healthy 100 %, warmup 1 h 0 min");
        // Without a desired configuration it cannot be rolled back: Cancel only. Cancelled from the page.
        assertThat(refreshButton("rollback-refresh").isDisplayed()).isFalse();
        click(refreshButton("cancel-refresh"));
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        wait.until(d -> text("article[data-asg='web'] .refresh").startsWith("Cancelled")
                && text("article[data-asg='web'] .refresh").contains("Cancelled by a user request."));
        assertThat(refreshButton("cancel-refresh").isDisplayed()).isFalse();
        assertThat(text("article[data-asg='web'] .asg-body > .form-error")).isEmpty();

        // Suspended processes show in the group's facts line until resumed.
        server.controller().group("web").suspendProcesses(List.of(ScalingProcess.Launch, ScalingProcess.HealthCheck));
        wait.until(d -> text("article[data-asg='web'] .facts").endsWith(" · processes suspended: Launch, HealthCheck"));
        server.controller().group("web").resumeProcesses(List.of());
        wait.until(d -> !text("article[data-asg='web'] .facts").contains("suspended"));

        // Standby from the row: out of service (the group launches another), then Return: back, desired 1 -> 2.
        Set<String> beforeStandby = instanceIds();
        click(instanceButton(replacement, "standby"));
        wait.until(d -> "Standby".equals(lifecycle(replacement))
                && text(instanceRow(replacement) + " button.standby").equals("Return"));
        wait.until(d -> newInstance(beforeStandby) != null && "InService".equals(lifecycle(newInstance(beforeStandby))));
        wait.until(d -> text("article[data-asg='web'] dl.sizes").replace('\n', ' ').contains("Standby 1"));
        assertThat(server.controller().group("web").desiredCapacity()).isEqualTo(1);
        click(instanceButton(replacement, "standby"));
        wait.until(d -> "InService".equals(lifecycle(replacement)));
        assertThat(server.controller().group("web").desiredCapacity()).isEqualTo(2);
        wait.until(d -> text("article[data-asg='web'] table.activities tbody")
                .contains("was moved out of standby in response to a user request, increasing the capacity from 1 to 2"));

        // Drain: a healthy target leaves service (draining, then unused and gone).
        wait.until(d -> healthyTarget("web") != null);
        String target = healthyTarget("web");
        click(driver.findElement(By.cssSelector("article[data-target-group='web'] tr[data-target='" + target + "'] button")));
        wait.until(d -> {
            List<WebElement> rows = d.findElements(By.cssSelector(
                    "article[data-target-group='web'] tr[data-target='" + target + "'] .badge"));
            return rows.isEmpty() || Set.of("draining", "unused").contains(rows.get(0).getText());
        });
        assertThat(text("article[data-target-group='web'] .form-error")).isEmpty();

        // A refresh to version 2 (a desired configuration) of the group pinned to version 1 can be rolled back: Roll
        // back next to Cancel. An hour's warmup keeps it from finishing while the page is looked at.
        HttpResponse<String> started = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + server.admin().port() + "/api/v1/auto-scaling-groups/web/instance-refreshes"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("""
                        {"desiredConfiguration": {"launchTemplateVersion": "2"},
                         "preferences": {"minHealthyPercentage": 100, "instanceWarmup": 3600}}"""))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(started.statusCode()).as(started.body()).isEqualTo(201);
        wait.until(d -> refreshButton("rollback-refresh").isDisplayed());
        // Pending until the group's next tick, then InProgress: either can be rolled back.
        assertThat(text("article[data-asg='web'] .refresh")).matches("(?s)(Pending|InProgress)\n.*").contains(
                "to version 2 (desired configuration: version 2)", "can roll back to version 1");
        assertThat(refreshButton("cancel-refresh").isDisplayed()).isTrue();
        elementScreenshot("article[data-asg='web'] .refresh", "dashboard-refresh.png");
        recordRefreshStatuses();
        click(refreshButton("rollback-refresh"));
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        // RollbackInProgress until the instances the refresh launched are back on version 1 (none may need it).
        wait.until(d -> recordedRefreshStatuses().contains("RollbackInProgress")
                && text("article[data-asg='web'] .refresh").contains("Rollback initiated by a user request."));
        assertThat(text("article[data-asg='web'] .refresh")).matches("(?s)Rollback(InProgress|Successful).*")
                .contains("back to version 1 from version 2", "rolled back at ");
        assertThat(refreshButton("rollback-refresh").isDisplayed()).isFalse();
        assertThat(refreshButton("cancel-refresh").isDisplayed()).as("a rollback cannot be cancelled").isFalse();
        assertThat(text("article[data-asg='web'] .asg-body > .form-error")).isEmpty();
        elementScreenshot("article[data-asg='web'] .asg-body", "dashboard-refresh-rollback.png");
        assertThat(severeBrowserErrors()).isEmpty();
    }

    @Test
    void showsLoadBalancersNetworkListenersAndAnomalousTargets() throws Exception {
        // Three targets for the application load balancer: two answer 200, one answers 500 (but passes its checks).
        HttpServer a = backend(200);
        HttpServer b = backend(200);
        HttpServer bad = backend(500);
        int albPort = freePort();
        int nlbPort = freePort();
        int udpPort = freePort();
        Path file = dir.resolve("headroom.yaml");
        Files.writeString(file, """
                admin:
                  listen: 127.0.0.1:0
                stateDir: %1$s
                loadBalancers:
                  - name: web
                    accessLog: { enabled: true, format: json }
                    listeners:
                      - port: %2$d
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: api } }
                  - name: edge
                    type: network
                    listeners:
                      - port: %3$d
                        protocol: TCP
                        defaultAction: { forward: { targetGroup: tcp } }
                      - port: %4$d
                        protocol: UDP
                        defaultAction: { forward: { targetGroup: udp } }
                targetGroups:
                  - name: api
                    algorithm: weighted_random
                    anomalyMitigation: on
                    healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 }
                    targets: [{ host: 127.0.0.1, port: %5$d }, { host: 127.0.0.1, port: %6$d }, { host: 127.0.0.1, port: %7$d }]
                  - name: tcp
                    protocol: TCP
                    healthCheck: { protocol: TCP, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 }
                    # More than it has: always in routing failover.
                    targetGroupHealth: { unhealthyStateRouting: { minimumHealthyTargetsCount: 2 } }
                    targets: [{ host: 127.0.0.1, port: %5$d }]
                  - name: udp
                    protocol: UDP
                    healthCheck: { protocol: TCP, port: %5$d, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 }
                    targets: [{ host: 127.0.0.1, port: %5$d }]
                """.formatted(dir.resolve("state"), albPort, nlbPort, udpPort, a.getAddress().getPort(),
                b.getAddress().getPort(), bad.getAddress().getPort()));
        server = HeadroomServer.start(HeadroomServer.ConfigSource.file(file), Variables.forConfig(), Clock.systemUTC());
        driver = chromium();
        driver.get("http://127.0.0.1:" + server.admin().port() + "/");
        WebDriverWait wait = waitUpTo(Duration.ofSeconds(30));

        // The network load balancer: its listeners' protocols and target groups, and its flows where an application
        // load balancer shows requests. One connection held open through it is one active flow.
        String edge = "article[data-load-balancer='edge']";
        wait.until(d -> text(edge + " .kind").equals("network load balancer"));
        assertThat(text(edge + " table.listeners tbody")).contains("127.0.0.1:" + nlbPort + " TCP forward to tcp",
                "127.0.0.1:" + udpPort + " UDP forward to udp");
        assertThat(text(edge + " .facts")).isEqualTo("idle timeout 5 min 50 s · UDP flow idle timeout 2 min 0 s");
        flow = new Socket("127.0.0.1", nlbPort);
        wait.until(d -> text(edge + " .traffic").contains("1 active flow ·"));
        assertThat(text(edge + " .traffic")).contains("new flows/s", "0 UDP");
        String web = "article[data-load-balancer='web']";
        assertThat(text(web + " .kind")).isEqualTo("application load balancer");
        assertThat(text(web + " .traffic")).contains("requests/s");
        assertThat(text(web + " .facts")).contains("HTTP/2 on", "access log json to access.log", "connection log off");
        assertThat(text(web + " table.listeners tbody")).contains("HTTP forward to api");

        // Anomaly detection: with all three healthy, a burst of requests (the 500s go to one target) makes that one
        // anomalous, and mitigation (on) lowers its weight. The page badges it and counts it in the group's header.
        String api = "article[data-target-group='api']";
        wait.until(d -> text(api + " .count").equals("3 of 3 healthy"));
        assertThat(text(api + " .facts")).contains("weighted_random", "anomaly mitigation on");
        assertThat(driver.findElement(By.cssSelector(api + " .badge.anomalies")).isDisplayed()).isFalse();
        URI viaAlb = URI.create("http://127.0.0.1:" + albPort + "/");
        for (int i = 0; i < 150; i++) {
            HTTP.send(HttpRequest.newBuilder(viaAlb).timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
        }
        String badRow = api + " tr[data-target='127.0.0.1:" + bad.getAddress().getPort() + "']";
        wait.until(d -> d.findElement(By.cssSelector(badRow + " .badge.anomaly")).isDisplayed()
                && d.findElement(By.cssSelector(badRow + " .badge.mitigation")).isDisplayed());
        assertThat(text(badRow + " .state")).isEqualTo("healthy anomalous mitigated");
        assertThat(text(api + " .badge.anomalies")).isEqualTo("1 anomalous · 1 mitigated");
        assertThat(text(api + " .count")).as("health is separate").isEqualTo("3 of 3 healthy");
        assertThat(driver.findElements(By.cssSelector(api + " .badge.anomaly"))).filteredOn(WebElement::isDisplayed).hasSize(1);
        assertThat(driver.findElement(By.cssSelector(api + " .badge.failover")).isDisplayed()).isFalse();
        // Routing failover shows on the group in it, saying why.
        WebElement failover = driver.findElement(By.cssSelector("article[data-target-group='tcp'] .badge.failover"));
        assertThat(failover.isDisplayed()).isTrue();
        assertThat(failover.getText()).isEqualTo("routing failover: all targets get traffic");
        assertThat(failover.getDomAttribute("title")).isEqualTo("Routing failover (fewer than 2 healthy): requests go to"
                + " all registered targets that are not draining, unhealthy ones included");
        // Response times and HTTP codes are charted for the HTTP group only (TCP and UDP groups have none).
        assertThat(text("#chart-5xx")).contains("web (ELB)", "api (target)").doesNotContain("tcp", "udp", "edge");
        assertThat(text("#chart-latency")).doesNotContain("tcp", "udp");
        assertThat(text("#chart-requests")).contains("web", "edge (flows)");
        screenshot("dashboard-load-balancers.png", "dashboard-load-balancers-full.png");
        assertThat(severeBrowserErrors()).isEmpty();
    }

    @Test
    void continuesAndAbandonsLifecycleActionsFromTheInstanceRows() throws Exception {
        server = startHeadroom(freePort(), """
                    lifecycleHooks:
                      - { name: warm-up, lifecycleTransition: "autoscaling:EC2_INSTANCE_LAUNCHING", heartbeatTimeout: 600 }
                      - { name: save-logs, lifecycleTransition: "autoscaling:EC2_INSTANCE_TERMINATING", heartbeatTimeout: 600 }
                """);
        driver = chromium();
        driver.get("http://127.0.0.1:" + server.admin().port() + "/");
        WebDriverWait wait = waitUpTo(Duration.ofSeconds(60));

        // The first instance waits on warm-up: the row says so and offers Continue / Abandon.
        wait.until(d -> instanceIds().size() == 1 && "Pending:Wait".equals(lifecycle(instanceIds().iterator().next())));
        String first = instanceIds().iterator().next();
        wait.until(d -> instanceButton(first, "continue").isDisplayed());
        assertThat(driver.findElement(By.cssSelector(instanceRow(first) + " .badge.lifecycle")).getAttribute("title"))
                .startsWith("Waiting on lifecycle hook warm-up (times out ");
        assertThat(instanceButton(first, "abandon").isDisplayed()).isTrue();
        assertThat(text("article[data-asg='web'] table.activities tbody")).contains("MidLifecycleAction");
        assertThat(text("article[data-asg='web'] .facts")).contains("lifecycle hooks warm-up (launch, 10 min 0 s, ABANDON),"
                + " save-logs (terminate, 10 min 0 s, ABANDON)");
        click(instanceButton(first, "continue"));
        wait.until(d -> "InService".equals(lifecycle(first)) && !instanceButton(first, "continue").isDisplayed());

        // A second one, abandoned from its row (after the confirmation): terminated and replaced.
        server.controller().group("web").setDesiredCapacity(2, null);
        Set<String> one = Set.of(first);
        wait.until(d -> newInstance(one) != null && "Pending:Wait".equals(lifecycle(newInstance(one))));
        String second = newInstance(one);
        wait.until(d -> instanceButton(second, "abandon").isDisplayed());
        click(instanceButton(second, "abandon"));
        wait.until(ExpectedConditions.alertIsPresent()).accept();
        // Terminated, it waits on save-logs first (with its own Continue); the group launches a replacement.
        wait.until(d -> "Terminating:Wait".equals(lifecycle(second)));
        assertThat(server.controller().group("web").activities().stream()
                .filter(a -> a.description().equals("Launching a new EC2 instance: " + second)).findFirst().orElseThrow()
                .statusMessage()).contains("was abandoned with Lifecycle Action Result: ABANDON (hook warm-up, completed with ABANDON)");
        wait.until(d -> instanceButton(second, "continue").isDisplayed());
        click(instanceButton(second, "continue"));
        wait.until(d -> Set.of("Terminating", "Terminated", "").contains(lifecycle(second)));
        assertThat(server.controller().group("web").lifecycleActions())
                .noneMatch(a -> a.instanceId().equals(second));
        assertThat(severeBrowserErrors()).isEmpty();
    }

    @Test
    void showsAUserSetUnhealthyAndADetachedInstance() throws Exception {
        server = startHeadroom(freePort());
        driver = chromium();
        driver.get("http://127.0.0.1:" + server.admin().port() + "/");
        WebDriverWait wait = waitUpTo(Duration.ofSeconds(60));
        wait.until(d -> instanceIds().size() == 1 && "InService".equals(lifecycle(instanceIds().iterator().next())));
        String first = instanceIds().iterator().next();
        io.headroom.scaling.AutoScalingGroup g = server.controller().group("web");
        // A user's health check, kept (ReplaceUnhealthy suspended): the health badge says Unhealthy, in red.
        g.suspendProcesses(List.of(ScalingProcess.ReplaceUnhealthy));
        assertThat(g.setInstanceHealth(first, io.headroom.scaling.HealthStatus.Unhealthy, false)).isNull();
        wait.until(d -> "Unhealthy".equals(text(instanceRow(first) + " .badge.health")));
        assertThat(driver.findElement(By.cssSelector(instanceRow(first) + " .badge.health")).getDomAttribute("class"))
                .contains("bad");
        g.setInstanceHealth(first, io.headroom.scaling.HealthStatus.Healthy, false);
        g.resumeProcesses(List.of());
        wait.until(d -> "Healthy".equals(text(instanceRow(first) + " .badge.health")));

        // Detached: Detaching, then Detached, greyed out like a terminated row, with a title that says it still runs;
        // and listed under Detached instances (hidden while there are none), where it stays after the group forgets it.
        assertThat(driver.findElement(By.id("detached-instances")).isDisplayed()).isFalse();
        g.detachInstances(List.of(first), false);
        wait.until(d -> "Detached".equals(lifecycle(first)));
        wait.until(d -> text("#detached-instances li[data-instance='" + first + "']").contains("detached from web at"));
        assertThat(driver.findElement(By.id("detached-instances")).isDisplayed()).isTrue();
        assertThat(driver.findElement(By.cssSelector(instanceRow(first) + " .badge.lifecycle")).getDomAttribute("title"))
                .startsWith("Detached: no longer in this group; still running");
        assertThat(driver.findElement(By.cssSelector(instanceRow(first))).getDomAttribute("class")).contains("gone");
        assertThat(instanceButton(first, "replace").isEnabled()).isFalse();
        wait.until(d -> instanceIds().stream().anyMatch(id -> !id.equals(first) && "InService".equals(lifecycle(id))));
        assertThat(severeBrowserErrors()).isEmpty();
    }

    @Test
    void showsTheWarmPoolAndItsStoppedInstances() throws Exception {
        server = startHeadroom(freePort(), """
                    warmPool: { maxGroupPreparedCapacity: 2 }
                """);
        driver = chromium();
        driver.get("http://127.0.0.1:" + server.admin().port() + "/");
        WebDriverWait wait = waitUpTo(Duration.ofSeconds(60));
        wait.until(d -> text("article[data-asg='web'] dl.sizes").replace('\n', ' ').contains("Warm pool 1/1"));
        wait.until(d -> instanceIds().stream().anyMatch(id -> "Warmed:Stopped".equals(lifecycle(id))));
        String warm = instanceIds().stream().filter(id -> "Warmed:Stopped".equals(lifecycle(id))).findFirst().orElseThrow();
        assertThat(instanceButton(warm, "replace").isEnabled()).isTrue();
        assertThat(instanceButton(warm, "standby").isEnabled()).isFalse();
        // A scale out takes it: the page shows it Pending, then InService; the pool's wanted size drops to 0.
        server.controller().group("web").setDesiredCapacity(2, null);
        wait.until(d -> "InService".equals(lifecycle(warm)));
        wait.until(d -> text("article[data-asg='web'] dl.sizes").replace('\n', ' ').contains("Warm pool 0/0"));
        assertThat(severeBrowserErrors()).isEmpty();
    }

    @Test
    void showsEmptyStatesAndSaysWhenTheApiIsGone() throws Exception {
        Path file = dir.resolve("headroom.yaml");
        Files.writeString(file, """
                admin:
                  listen: 127.0.0.1:0
                stateDir: %s
                loadBalancers:
                  - name: web
                    listeners:
                      - port: %d
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: web } }
                targetGroups:
                  - name: web
                """.formatted(dir.resolve("state"), freePort()));
        server = HeadroomServer.start(HeadroomServer.ConfigSource.file(file), Variables.forConfig(), Clock.systemUTC());
        driver = chromium();
        driver.get("http://127.0.0.1:" + server.admin().port() + "/");
        WebDriverWait wait = waitUpTo(Duration.ofSeconds(20));

        wait.until(d -> text("#auto-scaling-groups").startsWith("No auto scaling groups"));
        assertThat(text("article[data-target-group='web'] tbody")).startsWith("No targets registered");
        assertThat(text("article[data-target-group='web'] .count")).isEqualTo("0 of 0 healthy");
        assertThat(text("#card-capacity .sub")).isEqualTo("no auto scaling groups");
        assertThat(text("#chart-cpu")).contains("No auto scaling groups");
        assertThat(driver.findElement(By.id("banner")).isDisplayed()).isFalse();
        elementScreenshot("main", "dashboard-empty.png");

        // The admin API goes away: the page says so and keeps retrying.
        server.shutdown(Duration.ZERO);
        server = null;
        wait.until(d -> d.findElement(By.id("banner")).isDisplayed());
        assertThat(text("#banner")).startsWith("Cannot read the admin API");
        assertThat(text("#conn-text")).isEqualTo("Disconnected, retrying");
    }

    // ---- the page

    private String text(String css) {
        for (int attempt = 0; ; attempt++) {
            try {
                return driver.findElement(By.cssSelector(css)).getText();
            } catch (StaleElementReferenceException e) {
                // The page re-renders every second; read again.
                if (attempt == 3) {
                    throw e;
                }
            }
        }
    }

    private int points(String chartCss) {
        List<WebElement> charts = driver.findElements(By.cssSelector(chartCss));
        return charts.isEmpty() ? 0 : Integer.parseInt(charts.get(0).getDomAttribute("data-points"));
    }

    /** The id of a target of {@code targetGroup} that the page shows healthy, or null. */
    private String healthyTarget(String targetGroup) {
        for (WebElement row : driver.findElements(By.cssSelector(
                "article[data-target-group='" + targetGroup + "'] tbody tr[data-target]"))) {
            if (row.findElement(By.cssSelector(".badge")).getText().equals("healthy")) {
                return row.getDomAttribute("data-target");
            }
        }
        return null;
    }

    /** Clicks {@code e} scrolled to the middle of the window, clear of the page's sticky header. */
    private void click(WebElement e) {
        ((JavascriptExecutor) driver).executeScript("arguments[0].scrollIntoView({block: 'center'})", e);
        e.click();
    }

    private static String instanceRow(String instanceId) {
        return "article[data-asg='web'] tr[data-instance-id='" + instanceId + "']";
    }

    private WebElement instanceButton(String instanceId, String action) {
        return driver.findElement(By.cssSelector(instanceRow(instanceId) + " button." + action));
    }

    private WebElement refreshButton(String kind) {
        return driver.findElement(By.cssSelector("article[data-asg='web'] .refresh button." + kind));
    }

    /** Records every instance refresh status the page renders, in order. */
    private void recordRefreshStatuses() {
        ((JavascriptExecutor) driver).executeScript("""
                window.__refresh = [];
                const badge = document.querySelector("article[data-asg='web'] .refresh .badge");
                const record = () => {
                  if (window.__refresh[window.__refresh.length - 1] !== badge.textContent) window.__refresh.push(badge.textContent);
                };
                new MutationObserver(record).observe(badge, { subtree: true, childList: true, characterData: true });
                record();
                """);
    }

    @SuppressWarnings("unchecked")
    private List<String> recordedRefreshStatuses() {
        return (List<String>) ((JavascriptExecutor) driver).executeScript("return window.__refresh || []");
    }

    private Instance instance(String instanceId) {
        return server.controller().group("web").instances().stream()
                .filter(i -> i.instanceId().equals(instanceId)).findFirst().orElseThrow();
    }

    private String stateOfSomeTarget(String targetGroup) {
        List<WebElement> badges = driver.findElements(By.cssSelector(
                "article[data-target-group='" + targetGroup + "'] tbody tr[data-target] .badge"));
        return badges.isEmpty() ? "" : badges.get(0).getText();
    }

    private Set<String> instanceIds() {
        return driver.findElements(By.cssSelector("article[data-asg='web'] table.instances tr[data-instance-id]"))
                .stream().map(e -> e.getDomAttribute("data-instance-id")).collect(Collectors.toSet());
    }

    private String newInstance(Set<String> before) {
        return instanceIds().stream().filter(id -> !before.contains(id)).findFirst().orElse(null);
    }

    private String lifecycle(String instanceId) {
        List<WebElement> cells = driver.findElements(By.cssSelector(
                "article[data-asg='web'] tr[data-instance-id='" + instanceId + "'] .badge.lifecycle"));
        return cells.isEmpty() ? "" : cells.get(0).getText();
    }

    /** Records every lifecycle state the page renders for each instance row, in order. */
    private void recordLifecycleStates() {
        ((JavascriptExecutor) driver).executeScript("""
                window.__lifecycles = {};
                const record = () => document.querySelectorAll('tr[data-instance-id] .badge.lifecycle').forEach(b => {
                  const id = b.closest('tr').dataset.instanceId;
                  const seen = window.__lifecycles[id] = window.__lifecycles[id] || [];
                  if (seen[seen.length - 1] !== b.textContent) seen.push(b.textContent);
                });
                new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
                record();
                """);
    }

    @SuppressWarnings("unchecked")
    private List<String> recordedLifecycleStates(String instanceId) {
        Object seen = ((JavascriptExecutor) driver).executeScript("return window.__lifecycles[arguments[0]] || []", instanceId);
        return (List<String>) seen;
    }

    /** Console errors other than the 400s the out-of-range requests answered on purpose. */
    private List<String> severeBrowserErrors() {
        return driver.manage().logs().get(LogType.BROWSER).getAll().stream()
                .filter(e -> e.getLevel().intValue() >= Level.SEVERE.intValue())
                .map(LogEntry::getMessage)
                .filter(m -> !(m.contains("400") && (m.contains("desired-capacity") || m.contains("/instances/"))))
                .toList();
    }

    private void elementScreenshot(String css, String name) throws IOException {
        Path out = buildDirectory();
        Files.createDirectories(out);
        Path shot = driver.findElement(By.cssSelector(css)).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(shot, out.resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }

    private void screenshot(String viewportName, String fullName) throws IOException {
        Path out = buildDirectory();
        Files.createDirectories(out);
        ((JavascriptExecutor) driver).executeScript("window.scrollTo(0, 0)");
        Path viewport = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(viewport, out.resolve(viewportName), StandardCopyOption.REPLACE_EXISTING);
        // The whole page: a window as tall as the document, then back to 1280×800.
        long height = (Long) ((JavascriptExecutor) driver).executeScript(
                "return Math.ceil(document.documentElement.scrollHeight)");
        driver.manage().window().setSize(new Dimension(1280, (int) Math.min(height + 100, 6000)));
        Path full = ((TakesScreenshot) driver).getScreenshotAs(OutputType.FILE).toPath();
        Files.copy(full, out.resolve(fullName), StandardCopyOption.REPLACE_EXISTING);
        driver.manage().window().setSize(new Dimension(1280, 800));
    }

    /** project.build.directory when set, else the folder holding test-classes (the module's build dir). */
    private static Path buildDirectory() {
        String property = System.getProperty("project.build.directory");
        if (property != null) {
            return Path.of(property);
        }
        try {
            return Path.of(DashboardBrowserTest.class.getProtectionDomain().getCodeSource().getLocation().toURI())
                    .getParent();
        } catch (java.net.URISyntaxException e) {
            return Path.of("target");
        }
    }

    // ---- the browser

    private WebDriver chromium() throws IOException {
        // Selenium warns that it has no CDP bindings for this Chromium; the test uses none.
        java.util.logging.Logger.getLogger("org.openqa.selenium").setLevel(Level.SEVERE);
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--hide-scrollbars", "--window-size=1280,800",
                "--user-data-dir=" + Files.createDirectories(dir.resolve("chromium-profile")));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        ChromeDriver chrome = new ChromeDriver(service, options);
        chrome.manage().window().setSize(new Dimension(1280, 800));
        return chrome;
    }

    private WebDriverWait waitUpTo(Duration timeout) {
        WebDriverWait wait = new WebDriverWait(driver, timeout, Duration.ofMillis(200));
        wait.ignoring(StaleElementReferenceException.class);
        return wait;
    }

    // ---- Headroom

    /**
     * Two days of RequestCount history for target group web in the state file, rolled up hour by hour as a running
     * Headroom leaves it: 2 requests a second in even hours and 4 in odd ones (UTC), so the page's predictive policy
     * (40 requests per target per minute) forecasts 3 and 6, and its forecasts for the past day were exact.
     */
    private static void seedHistory(Path stateDir) {
        java.time.Instant hour = java.time.Instant.now().truncatedTo(java.time.temporal.ChronoUnit.HOURS);
        java.time.Instant from = hour.minus(Duration.ofHours(49));
        io.headroom.core.time.ManualClock clock = new io.headroom.core.time.ManualClock(from);
        io.headroom.core.metrics.MetricStore live = io.headroom.core.metrics.MetricStore.inMemory(Duration.ofHours(1));
        io.headroom.core.metrics.MetricKey requests = io.headroom.core.metrics.MetricKey.of("RequestCount",
                io.headroom.core.metrics.Dimensions.of("TargetGroup", "web"));
        try (io.headroom.server.state.StateStore state = io.headroom.server.state.StateStore.open(stateDir, clock)) {
            for (long t = from.getEpochSecond(); t < hour.getEpochSecond(); t += 60) {
                live.record(requests, t + 30, Math.floorMod(t, 86_400L) / 3600 % 2 == 0 ? 2 : 4);
                if ((t + 60 - from.getEpochSecond()) % 3600 == 0) {
                    java.time.Instant end = java.time.Instant.ofEpochSecond(t + 70);
                    clock.set(end);
                    state.rollUp(live, end);
                }
            }
        }
    }

    private HeadroomServer startHeadroom(int lbPort) throws Exception {
        return startHeadroom(lbPort, "");
    }

    /** @param groupExtra YAML lines added to the group (indented as its keys) */
    private HeadroomServer startHeadroom(int lbPort, String groupExtra) throws Exception {
        seedHistory(dir.resolve("state"));
        String java = ProcessHandle.current().info().command().orElse("java");
        Path file = dir.resolve("headroom.yaml");
        Files.writeString(file, """
                admin:
                  listen: 127.0.0.1:0
                stateDir: %s
                loadBalancers:
                  - name: web
                    listeners:
                      - port: %d
                        protocol: HTTP
                        defaultAction: { forward: { targetGroup: web } }
                targetGroups:
                  - name: web
                    healthCheck: { path: /health, intervalSeconds: 5, timeoutSeconds: 2, healthyThreshold: 2, unhealthyThreshold: 2 }
                    deregistrationDelaySeconds: 5
                launchTemplates:
                  - name: demo
                    versions:
                      - command: ["%s", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx48m", "-Xss512k",
                                  "-cp", "${HEADROOM_CLASSPATH}", "io.headroom.server.Main", "demo-app", "--port", "${PORT}"]
                        vcpus: 1
                        terminationGracePeriodSeconds: 1   # the test's end need not wait for a graceful exit
                      - command: ["%3$s", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx48m", "-Xss512k",
                                  "-cp", "${HEADROOM_CLASSPATH}", "io.headroom.server.Main", "demo-app", "--port", "${PORT}"]
                        environment: { APP_VERSION: "2" }
                        vcpus: 1
                        terminationGracePeriodSeconds: 1
                autoScalingGroups:
                  - name: web
                    # A numbered version: an instance refresh to version 2 can be rolled back to it.
                    launchTemplate: { name: demo, version: 1 }
                    minSize: 1
                    maxSize: 3
                    desiredCapacity: 1
                    availabilityZones: [zone-a, zone-b]
                    targetGroups: [web]
                    healthCheckType: ELB
                    healthCheckGracePeriodSeconds: 30
                    defaultInstanceWarmupSeconds: 5
                    # Shown on the page; neither changes the capacity while the test runs.
                    policies:
                      - name: cpu90
                        policyType: TargetTrackingScaling
                        targetTrackingConfiguration:
                          predefinedMetricType: ASGAverageCPUUtilization
                          targetValue: 90
                          disableScaleIn: true
                      - name: forecast
                        policyType: PredictiveScaling
                        predictiveScalingConfiguration:
                          metricSpecifications:
                            - { targetValue: 40, predefinedMetricPairSpecification: { predefinedMetricType: ALBRequestCount } }
                    scheduledActions:
                      - name: new-year
                        recurrence: "0 3 1 1 *"
                        timeZone: UTC
                        desiredCapacity: 1
                %s""".formatted(dir.resolve("state"), lbPort, java, groupExtra));
        return HeadroomServer.start(HeadroomServer.ConfigSource.file(file), Variables.forConfig(), Clock.systemUTC());
    }

    /** About 10 requests a second through the load balancer until the test ends (at most 2 minutes). */
    private void sendTraffic(int lbPort) {
        URI uri = URI.create("http://127.0.0.1:" + lbPort + "/");
        traffic = new Thread(() -> {
            long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
            for (int i = 0; i < 1200 && !stopTraffic && System.nanoTime() < deadline; i++) {
                try {
                    HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(2)).build(),
                            HttpResponse.BodyHandlers.discarding());
                } catch (IOException e) {
                    // No instance yet: the load balancer answers 503 or the connection fails; keep going.
                } catch (InterruptedException e) {
                    return;
                }
                java.util.concurrent.locks.LockSupport.parkNanos(100_000_000L);
            }
        }, "dashboard-test-traffic");
        traffic.setDaemon(true);
        traffic.start();
    }

    /** An HTTP target on an ephemeral port: /health answers 200, every other path {@code status}. */
    private HttpServer backend(int status) throws IOException {
        HttpServer http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        backends.add(http);
        http.createContext("/", ex -> {
            byte[] body = "ok\n".getBytes(java.nio.charset.StandardCharsets.UTF_8);
            ex.sendResponseHeaders(ex.getRequestURI().getPath().equals("/health") ? 200 : status, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        http.start();
        return http;
    }

    private static int freePort() {
        return io.headroom.server.e2e.Support.freePort();
    }
}
