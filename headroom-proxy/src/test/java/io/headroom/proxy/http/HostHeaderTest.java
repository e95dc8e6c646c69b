package io.headroom.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HostHeaderTest {

    @ParameterizedTest(name = "port {1}: \"{0}\" -> \"{2}\"")
    @CsvSource(delimiter = '|', value = {
            // On the default ports any port the client gave is removed (AWS).
            "www.example.com|80|www.example.com",
            "www.example.com:80|80|www.example.com",
            "www.example.com:8080|443|www.example.com",
            "[2001:db8::1]:443|443|[2001:db8::1]",
            "[2001:db8::1]|80|[2001:db8::1]",
            "example.com:|80|example.com",
            // Elsewhere the listener's port is appended unless the client gave one.
            "www.example.com|8080|www.example.com:8080",
            "www.example.com:9000|8080|www.example.com:9000",
            "10.0.0.1|8080|10.0.0.1:8080",
            "[2001:db8::1]|8443|[2001:db8::1]:8443",
            "[2001:db8::1]:9|8443|[2001:db8::1]:9",
            // Not a host with an optional port: left alone.
            "2001:db8::1|8080|2001:db8::1",
            "[2001:db8::1|8080|[2001:db8::1",
            "[::1]x|80|[::1]x",
    })
    void theTargetGetsTheListenersPortOrNoneOnTheDefaultPorts(String host, int port, String expected) {
        assertThat(HostHeader.forTarget(host, port, Integer.toString(port))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"www.example.com:8080,8080", "www.example.com,80", "'',8080"})
    void anUnchangedValueIsTheSameInstance(String host, int port) {
        assertThat(HostHeader.forTarget(host, port, Integer.toString(port))).isSameAs(host);
    }
}
