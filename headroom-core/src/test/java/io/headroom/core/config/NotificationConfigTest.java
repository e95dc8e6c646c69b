package io.headroom.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NotificationConfigTest {

    private static List<String> errors(String yaml) {
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.parse(yaml, "n.yaml", Map.of()));
        assertThat(e).as("expected errors for:\n%s", yaml).isNotNull();
        return e.errors().stream().map(ConfigError::toString).toList();
    }

    @Test
    void webhooksAreReadInOrderWithTheirEvents() throws Exception {
        HeadroomConfig c = ConfigLoader.parse("""
                notifications:
                  - { url: "http://127.0.0.1:8000/hook", events: [alarm, scaling] }
                  - url: https://hooks.example.com/x
                    events: [launch, terminate, activity, launch]
                """, "n.yaml", Map.of());
        assertThat(c.notifications()).containsExactly(
                new NotificationConfig("http://127.0.0.1:8000/hook", List.of("alarm", "scaling")),
                new NotificationConfig("https://hooks.example.com/x", List.of("launch", "terminate", "activity")));
        assertThat(c.notifications().get(0).wants("alarm")).isTrue();
        assertThat(c.notifications().get(0).wants("launch")).isFalse();
    }

    @Test
    void noNotificationsByDefault() throws Exception {
        assertThat(ConfigLoader.parse("workerThreads: 1", "n.yaml", Map.of()).notifications()).isEmpty();
    }

    @Test
    void badWebhooksNameThePath() {
        assertThat(errors("notifications: [{url: 'ftp://x/y', events: [alarm]}]"))
                .containsExactly("notifications[0].url: \"ftp://x/y\" (expected: an http:// or https:// URL)");
        assertThat(errors("notifications: [{url: 'http://127.0.0.1:1/', events: [alarm, scale]}]"))
                .containsExactly("notifications[0].events[1]: \"scale\" (expected one of: alarm, scaling, lifecycle, launch, terminate, activity)");
        assertThat(errors("notifications: [{url: 'http://127.0.0.1:1/'}]"))
                .containsExactly("notifications[0].events: required key is missing");
        assertThat(errors("notifications: [{events: [alarm]}]"))
                .containsExactly("notifications[0].url: required key is missing");
        assertThat(errors("notifications: [{url: 'http://h/', events: [], method: PUT}]"))
                .containsExactly("notifications[0].method: unknown key (expected one of: url, events)",
                        "notifications[0].events: [] (expected: at least one of alarm, scaling, lifecycle, launch, terminate, activity)");
        assertThat(errors("notifications: [{url: 'http:///nohost', events: [alarm]}]"))
                .containsExactly("notifications[0].url: \"http:///nohost\" (expected: a URL with a host, e.g. http://127.0.0.1:8000/hook)");
    }
}
