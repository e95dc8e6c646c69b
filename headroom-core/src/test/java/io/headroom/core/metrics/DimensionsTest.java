package io.headroom.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DimensionsTest {

    @Test
    void equalRegardlessOfOrderAndSortedByKey() {
        Dimensions a = Dimensions.of("TargetGroup", "api", "LoadBalancer", "web");
        Dimensions b = Dimensions.of("LoadBalancer", "web").with("TargetGroup", "api");
        Map<String, String> m = new LinkedHashMap<>();
        m.put("TargetGroup", "api");
        m.put("LoadBalancer", "web");

        assertThat(a).isEqualTo(b).isEqualTo(Dimensions.of(m)).hasSameHashCodeAs(b);
        assertThat(a.asMap().keySet()).containsExactly("LoadBalancer", "TargetGroup");
        assertThat(a).hasToString("{LoadBalancer=web, TargetGroup=api}");
        assertThat(Dimensions.of("LoadBalancer", "web")).hasToString("{LoadBalancer=web}");
        assertThat(a).isNotEqualTo(Dimensions.of("LoadBalancer", "web"));
    }

    @Test
    void withReturnsACopy() {
        Dimensions a = Dimensions.of("LoadBalancer", "web");
        Dimensions b = a.with("LoadBalancer", "api");
        assertThat(a.get("LoadBalancer")).isEqualTo("web");
        assertThat(b.get("LoadBalancer")).isEqualTo("api");
        assertThatThrownBy(() -> a.asMap().put("x", "y")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void parsesPairsAndItsOwnToString() {
        Dimensions d = Dimensions.parse("TargetGroup=web, LoadBalancer=x");
        assertThat(d).isEqualTo(Dimensions.of("LoadBalancer", "x", "TargetGroup", "web"));
        assertThat(Dimensions.parse(d.toString())).isEqualTo(d);
        assertThat(Dimensions.parse("")).isEqualTo(Dimensions.of());
        assertThat(Dimensions.parse("{}")).isEqualTo(Dimensions.of());
        assertThat(Dimensions.parse("LoadBalancer=app/web/1=2").get("LoadBalancer")).isEqualTo("app/web/1=2");
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> Dimensions.parse("LoadBalancer=web,TargetGroup"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'TargetGroup'")
                .hasMessageContaining("Name=Value");
        assertThatThrownBy(() -> Dimensions.parse("A=1,A=2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate dimension 'A'");
        assertThatThrownBy(() -> Dimensions.parse("=1"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'=1'");
        assertThatThrownBy(() -> Dimensions.of("A", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'A'");
        assertThatThrownBy(() -> Dimensions.of(" ", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("blank");
        assertThatThrownBy(() -> Dimensions.of("A", "1", "A", "2"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
    }

    @Test
    void metricKeyEquality() {
        MetricKey a = MetricKey.of("RequestCount", Dimensions.of("LoadBalancer", "web"));
        assertThat(a).isEqualTo(MetricKey.of("RequestCount", Dimensions.parse("LoadBalancer=web")));
        assertThat(a).isNotEqualTo(MetricKey.of("RequestCount", Dimensions.of()));
        assertThat(a).hasToString("RequestCount{LoadBalancer=web}");
        assertThatThrownBy(() -> MetricKey.of(" ", Dimensions.of())).isInstanceOf(IllegalArgumentException.class);
    }
}
