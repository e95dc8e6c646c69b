package io.headroom.server.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** AWS metric and dimension names in Prometheus's snake_case. */
class PrometheusNamesTest {
    @Test
    void snakeCase() {
        assertThat(PrometheusExporter.snake("InServiceInstances")).isEqualTo("in_service_instances");
        assertThat(PrometheusExporter.snake("AutoScalingGroupName")).isEqualTo("auto_scaling_group_name");
        assertThat(PrometheusExporter.snake("CPUUtilization")).isEqualTo("cpu_utilization");
        assertThat(PrometheusExporter.snake("HTTPCode_ELB_502_Count")).isEqualTo("http_code_elb_502_count");
        assertThat(PrometheusExporter.snake("NetworkIn")).isEqualTo("network_in");
    }
}
