package io.headroom.core.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.RuleTransformConfig;
import io.headroom.core.config.RuleTransformConfig.Type;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTransformTest {

    static RequestTransform of(RuleTransformConfig... t) {
        return RequestTransform.compile(List.of(t), "rules[priority=10].transforms");
    }

    @Test
    void noTransformsCompileToNull() {
        assertThat(RequestTransform.compile(List.of(), "x")).isNull();
    }

    @Test
    void urlPrefixIsStrippedAndTheQueryKept() {
        RequestTransform t = of(new RuleTransformConfig(Type.URL_REWRITE, "^/api/(.*)$", "/$1"));
        assertThat(t.url("/api/users?id=7")).isEqualTo("/users?id=7");
    }

    @Test
    void noMatchReturnsTheSameInstance() {
        RequestTransform t = of(new RuleTransformConfig(Type.URL_REWRITE, "^/api/(.*)$", "/$1"));
        String target = "/other?x=1";
        assertThat(t.url(target)).isSameAs(target);
        assertThat(t.host("example.com")).isEqualTo("example.com"); // no host rewrite
    }

    @Test
    void onlyTheFirstMatchIsReplaced() {
        RequestTransform t = of(new RuleTransformConfig(Type.URL_REWRITE, "a", "b"));
        assertThat(t.url("/aaa")).isEqualTo("/baa");
    }

    @Test
    void hostRewriteWithACaptureGroupKeepsWhatItDoesNotMatch() {
        RequestTransform t = of(new RuleTransformConfig(Type.HOST_HEADER_REWRITE, "^mywebsite-([a-z]+)\\.com",
                "internal.dev.$1.myweb.com"));
        assertThat(t.host("mywebsite-example.com:8080")).isEqualTo("internal.dev.example.myweb.com:8080");
        assertThat(t.host(null)).isNull();
    }

    @Test
    void anInvalidResultFailsTheTransform() {
        assertThat(of(new RuleTransformConfig(Type.URL_REWRITE, "^/api/", "api/")).url("/api/x")).isNull();
        assertThat(of(new RuleTransformConfig(Type.URL_REWRITE, "^/.*$", "")).url("/x")).isNull();
        assertThat(of(new RuleTransformConfig(Type.URL_REWRITE, "x", "a b")).url("/x")).isNull();
        assertThat(of(new RuleTransformConfig(Type.URL_REWRITE, "x", "\u00e9")).url("/x")).isNull();
        assertThat(of(new RuleTransformConfig(Type.HOST_HEADER_REWRITE, "^.*$", "")).host("a.com")).isNull();
        assertThat(of(new RuleTransformConfig(Type.HOST_HEADER_REWRITE, "a", "a/b")).host("a.com")).isNull();
        assertThat(of(new RuleTransformConfig(Type.HOST_HEADER_REWRITE, "a", "[::1]:80")).host("a")).isEqualTo("[::1]:80");
    }

    @Test
    void aRepeatedTypeOrABadRegexNamesThePath() {
        assertThatThrownBy(() -> of(new RuleTransformConfig(Type.URL_REWRITE, "a", "b"),
                new RuleTransformConfig(Type.URL_REWRITE, "c", "d")))
                .hasMessageStartingWith("rules[priority=10].transforms[1].type: url-rewrite twice");
        assertThatThrownBy(() -> of(new RuleTransformConfig(Type.URL_REWRITE, "(?<=a)b", "c")))
                .hasMessageStartingWith("rules[priority=10].transforms[0].regex: invalid named capture");
    }
}
