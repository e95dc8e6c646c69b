package io.headroom.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.config.ConfigLoader;
import io.headroom.core.config.HeadroomConfig;
import io.headroom.core.config.StickinessConfig;
import io.headroom.core.metrics.MetricRegistry;
import io.headroom.core.routing.Route;
import io.headroom.proxy.http.RoutingSnapshot.GroupRef;
import io.headroom.proxy.target.Target;
import io.headroom.proxy.target.TargetGroups;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Stickiness on an HTTPS listener: the CORS twins are set with SameSite=None; Secure and honoured alone. */
class StickinessHttpsTest {

    @Test
    void httpsResponsesCarryTheCorsTwinsAndTheTwinsAloneKeepTheSession() throws Exception {
        EventLoopGroup loops = Transport.create(1).group();
        TargetGroups groups = new TargetGroups(Clock.systemUTC(), loops, null, Duration.ofHours(1), null);
        try {
            HeadroomConfig cfg = ConfigLoader.parse("""
                    targetGroups:
                      - { name: a, stickiness: { enabled: true, type: lb_cookie, durationSeconds: 600 },
                          targets: [{ host: 127.0.0.1, port: 9001 }, { host: 127.0.0.1, port: 9002 }] }
                      - { name: b, stickiness: { enabled: true, type: lb_cookie, durationSeconds: 600 },
                          targets: [{ host: 127.0.0.1, port: 9003 }, { host: 127.0.0.1, port: 9004 }] }
                    """, "t.yaml", Map.of());
            groups.apply(cfg.targetGroups());
            MetricRegistry registry = new MetricRegistry();
            GroupRef a = new GroupRef(groups.get("a"), new TargetGroupMetrics(registry, "a"));
            GroupRef b = new GroupRef(groups.get("b"), new TargetGroupMetrics(registry, "b"));
            Route.Forward<GroupRef> forward = new Route.Forward<>(List.of(a, b), new int[] {1, 1},
                    new StickinessConfig(true, StickinessConfig.Type.LB_COOKIE, 600, null), 0);
            Random random = new Random(7);
            Stickiness sticky = new Stickiness(StickyCookies.process());

            GroupRef group = sticky.group(forward, new DefaultHttpHeaders(), random);
            Target target = sticky.target(group.group());
            HttpHeaders response = new DefaultHttpHeaders();
            sticky.onResponse(response, group, target, true);
            List<String> set = response.getAll(HttpHeaderNames.SET_COOKIE);
            assertThat(set).extracting(v -> v.substring(0, v.indexOf('=')))
                    .containsExactly("HEADROOMLBTG", "HEADROOMLBTGCORS", "HEADROOMLB", "HEADROOMLBCORS");
            assertThat(set.get(1)).endsWith("; Path=/; SameSite=None; Secure");
            assertThat(set.get(3)).endsWith("; Path=/; SameSite=None; Secure");
            assertThat(set.get(0)).endsWith("; Path=/").doesNotContain("SameSite");

            // A cross-site request carries only the CORS twins: the session holds (groups and targets alternate
            // or are drawn at random otherwise).
            String cookies = "HEADROOMLBTGCORS=" + value(set.get(1)) + "; HEADROOMLBCORS=" + value(set.get(3));
            for (int i = 0; i < 50; i++) {
                HttpHeaders request = new DefaultHttpHeaders().add(HttpHeaderNames.COOKIE, cookies);
                GroupRef g = sticky.group(forward, request, random);
                assertThat(g).isSameAs(group);
                assertThat(sticky.target(g.group())).isSameAs(target);
            }

            HttpHeaders plain = new DefaultHttpHeaders();
            sticky.onResponse(plain, group, target, false);
            assertThat(plain.getAll(HttpHeaderNames.SET_COOKIE)).extracting(v -> v.substring(0, v.indexOf('=')))
                    .containsExactly("HEADROOMLBTG", "HEADROOMLB");
        } finally {
            groups.close();
            loops.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).awaitUninterruptibly(5000);
        }
    }

    private static String value(String setCookie) {
        return setCookie.substring(setCookie.indexOf('=') + 1, setCookie.indexOf(';'));
    }
}
