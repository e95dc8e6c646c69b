package io.headroom.core.routing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A plain RequestView for tests: {@code TestRequest.get("/a?b=c").host("x").header("H", "v")}. */
final class TestRequest implements RequestView {

    private String method = "GET";
    private String path = "/";
    private String query;
    private String host = "example.com";
    private final Map<String, List<String>> headers = new LinkedHashMap<>();
    private InetAddress source = address("127.0.0.1");
    private String protocol = "http";
    private int port = 80;

    /** A request for {@code target}: a path, optionally followed by "?query". */
    static TestRequest get(String target) {
        return new TestRequest().target(target);
    }

    TestRequest target(String target) {
        int q = target.indexOf('?');
        this.path = q < 0 ? target : target.substring(0, q);
        this.query = q < 0 ? null : target.substring(q + 1);
        return this;
    }

    TestRequest method(String m) {
        this.method = m;
        return this;
    }

    TestRequest host(String h) {
        this.host = h;
        return this;
    }

    TestRequest header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), k -> new ArrayList<>()).add(value);
        return this;
    }

    TestRequest source(String literal) {
        this.source = address(literal);
        return this;
    }

    TestRequest source(InetAddress a) {
        this.source = a;
        return this;
    }

    TestRequest listener(String protocol, int port) {
        this.protocol = protocol;
        this.port = port;
        return this;
    }

    static InetAddress address(String literal) {
        try {
            return InetAddress.getByName(literal); // literals only in tests: no resolution
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }

    @Override public String method() { return method; }
    @Override public String rawPath() { return path; }
    @Override public String rawQuery() { return query; }
    @Override public String host() { return host; }

    @Override
    public String header(String name) {
        List<String> v = headers(name);
        return v.isEmpty() ? null : v.get(0);
    }

    @Override
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    @Override public InetAddress sourceAddress() { return source; }
    @Override public String protocol() { return protocol; }
    @Override public int listenerPort() { return port; }
}
