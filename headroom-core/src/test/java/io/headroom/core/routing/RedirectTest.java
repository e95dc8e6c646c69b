package io.headroom.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.ActionConfig;
import io.headroom.core.config.ConditionsConfig;
import io.headroom.core.config.ListenerConfig;
import io.headroom.core.config.RuleConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

class RedirectTest {

    private static Router<String> redirecting(ActionConfig.Redirect redirect) {
        ListenerConfig l = new ListenerConfig("127.0.0.1", 80, ListenerConfig.Protocol.HTTP, List.of(), null,
                redirect, List.of());
        return Router.compile(l, name -> "tg-" + name);
    }

    private static ActionConfig.Redirect redirect(String protocol, String host, String port, String path,
            String query, int status) {
        return new ActionConfig.Redirect(protocol, host, port, path, query, status);
    }

    private static Route.Redirect<String> route(Router<String> r, TestRequest request) {
        return (Route.Redirect<String>) r.route(request);
    }

    @Test
    void httpsUpgradeKeepsHostPathAndQueryAndDropsTheDefaultPort() {
        Router<String> r = redirecting(redirect("HTTPS", null, "443", null, null, 301));
        Route.Redirect<String> got = route(r, TestRequest.get("/a/b?x=1&y=2").host("Example.com:80")
                .listener("http", 80));
        assertThat(got.statusCode()).isEqualTo(301);
        assertThat(got.location()).isEqualTo("https://Example.com/a/b?x=1&y=2");
    }

    @Test
    void nonDefaultPortIsKept() {
        Router<String> r = redirecting(redirect("HTTPS", null, "8443", null, null, 302));
        Route.Redirect<String> got = route(r, TestRequest.get("/a").host("h:8080").listener("http", 8080));
        assertThat(got.statusCode()).isEqualTo(302);
        assertThat(got.location()).isEqualTo("https://h:8443/a");
    }

    @Test
    void listenerPortIsThePortPlaceholder() {
        Router<String> r = redirecting(redirect(null, "new.example", null, null, null, 301));
        assertThat(route(r, TestRequest.get("/p").host("old.example:8080").listener("http", 8080)).location())
                .isEqualTo("http://new.example:8080/p");
        assertThat(route(r, TestRequest.get("/p").host("old.example").listener("http", 80)).location())
                .isEqualTo("http://new.example/p");
        assertThat(route(r, TestRequest.get("/p").host("old.example").listener("https", 443)).location())
                .isEqualTo("https://new.example/p");
        assertThat(route(r, TestRequest.get("/p").host("old.example").listener("https", 80)).location())
                .isEqualTo("https://new.example:80/p");
    }

    @Test
    void pathPlaceholderIsTheOriginalPathWithoutItsLeadingSlash() {
        Router<String> r = redirecting(redirect(null, null, null, "/new/#{path}", null, 301));
        assertThat(route(r, TestRequest.get("/old/x/../y%2Fz").host("h")).location())
                .isEqualTo("http://h/new/old/x/../y%2Fz");
    }

    @Test
    void allPlaceholdersInOnePart() {
        Router<String> r = redirecting(redirect("https", "#{host}.mirror", "#{port}",
                "/#{protocol}/#{host}/#{port}/#{path}", "from=#{query}&x=1", 302));
        assertThat(route(r, TestRequest.get("/a?q=1").host("site:9000").listener("http", 9000)).location())
                .isEqualTo("https://site.mirror:9000/http/site/9000/a?from=q=1&x=1");
    }

    @Test
    void emptyQueryDropsTheQuestionMark() {
        Router<String> r = redirecting(redirect("HTTPS", null, "443", null, null, 301));
        assertThat(route(r, TestRequest.get("/a").host("h")).location()).isEqualTo("https://h/a");
        assertThat(route(r, TestRequest.get("/a?").host("h")).location()).isEqualTo("https://h/a");
        Router<String> q = redirecting(redirect(null, null, null, "/x", "", 301));
        assertThat(route(q, TestRequest.get("/a?drop=me").host("h")).location()).isEqualTo("http://h/x");
    }

    @Test
    void protocolIsLowerCased() {
        Router<String> r = redirecting(redirect("HTTP", "h2", null, null, null, 301));
        assertThat(route(r, TestRequest.get("/").host("h").listener("https", 443)).location())
                .isEqualTo("http://h2:443/");
    }

    @Test
    void missingHostGivesARelativeLocation() {
        Router<String> r = redirecting(redirect(null, null, null, "/login", null, 302));
        assertThat(route(r, TestRequest.get("/a?b=c").host(null)).location()).isEqualTo("/login?b=c");
    }

    @Test
    void redirectRuleOnlyForMatchingRequests() {
        ListenerConfig l = new ListenerConfig("127.0.0.1", 80, ListenerConfig.Protocol.HTTP, List.of(), null,
                ActionConfig.Forward.to("web"), List.of(new RuleConfig(20,
                        new ConditionsConfig(List.of(), List.of("/old/*"), List.of(), List.of(), List.of(), List.of()),
                        redirect(null, null, null, "/new/#{path}", null, 301))));
        Router<String> r = Router.compile(l, name -> "tg-" + name);
        assertThat(route(r, TestRequest.get("/old/page").host("h")).location()).isEqualTo("http://h/new/old/page");
        assertThat(r.route(TestRequest.get("/other").host("h"))).isInstanceOf(Route.Forward.class);
    }

    @Test
    void invalidRedirectsAreErrors() {
        assertThatThrownBy(() -> redirecting(redirect("FTP", null, null, null, null, 301)))
                .hasMessageContaining("defaultAction.redirect.protocol: 'FTP'");
        assertThatThrownBy(() -> redirecting(redirect("HTTPS", null, "70000", null, null, 301)))
                .hasMessageContaining("redirect.port: '70000'");
        assertThatThrownBy(() -> redirecting(redirect("HTTPS", null, null, null, null, 307)))
                .hasMessageContaining("redirect.statusCode: 307");
        assertThatThrownBy(() -> redirecting(redirect(null, null, null, "/#{file}", null, 301)))
                .hasMessageContaining("unknown placeholder #{file}");
        assertThatThrownBy(() -> redirecting(redirect(null, null, null, "/#{path", null, 301)))
                .hasMessageContaining("unclosed");
        assertThatThrownBy(() -> redirecting(redirect(null, null, null, "new", null, 301)))
                .hasMessageContaining("redirect.path: 'new' (expected: to start with /)");
        assertThatThrownBy(() -> redirecting(redirect(null, null, null, null, null, 301)))
                .hasMessageContaining("its own URL");
    }
}
