package io.headroom.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class GlobTest {

    private static boolean cs(String pattern, String s) {
        return Glob.compile(pattern, false, false).matches(s);
    }

    private static boolean ci(String pattern, String s) {
        return Glob.compile(pattern, true, false).matches(s);
    }

    @Test
    void starMatchesAnyRunIncludingEmpty() {
        assertThat(cs("/api/*", "/api/")).isTrue();
        assertThat(cs("/api/*", "/api/v1/users")).isTrue();
        assertThat(cs("/api/*", "/api")).isFalse();
        assertThat(cs("*", "")).isTrue();
        assertThat(cs("a*b*c", "abc")).isTrue();
        assertThat(cs("a*b*c", "axxbyyc")).isTrue();
        assertThat(cs("a*b*c", "axxbyycd")).isFalse();
        assertThat(cs("*.png", "/img/a.png.bak")).isFalse();
        assertThat(cs("**x", "abx")).isTrue();
    }

    @Test
    void questionMarkMatchesExactlyOne() {
        assertThat(cs("/v?/x", "/v1/x")).isTrue();
        assertThat(cs("/v?/x", "/v/x")).isFalse();
        assertThat(cs("/v?/x", "/v12/x")).isFalse();
        assertThat(cs("?", "")).isFalse();
    }

    @Test
    void caseSensitivityIsChosenAtCompileTime() {
        assertThat(cs("/Admin/*", "/admin/x")).isFalse();
        assertThat(ci("*.EXAMPLE.com", "www.example.COM")).isTrue();
        assertThat(ci("straße", "STRAßE")).isTrue();
    }

    @Test
    void matchesASubRangeWithoutCopying() {
        Glob g = Glob.compile("www.*", true, false);
        assertThat(g.matches("www.example.com:8080", 0, 15)).isTrue();
        assertThat(g.matches("xwww.example.com", 1, 16)).isTrue();
        assertThat(Glob.compile("*.com", true, false).matches("a.com:80", 0, 8)).isFalse();
    }

    @Test
    void backslashEscapesOnlyWhenAsked() {
        Glob escaped = Glob.compile("a\\*b", true, true);
        assertThat(escaped.matches("a*b")).isTrue();
        assertThat(escaped.matches("axb")).isFalse();
        assertThat(Glob.compile("a\\?", true, true).matches("a?")).isTrue();
        assertThat(Glob.compile("a\\?", true, true).matches("ab")).isFalse();
        Glob plain = Glob.compile("a\\*b", false, false);
        assertThat(plain.matches("a\\xyzb")).isTrue();
    }

    @Test
    void pathologicalPatternsFinishInBoundedSteps() {
        // With regex-style backtracking these are exponential; the two-pointer matcher is O(pattern x input).
        String as = "a".repeat(20_000);
        assertThat(cs("*a*a*a*a*a*a*a*a*b", as)).isFalse();
        assertThat(cs("*a*a*a*a*a*a*a*a*b", as + "b")).isTrue();
        assertThat(ci("*?*?*?*?*?*?*?*?*b", as)).isFalse();
        String many = "*a".repeat(60) + "*b"; // 122 chars, within ALB's 128-char limit
        for (int i = 0; i < 50; i++) {
            assertThat(cs(many, as)).isFalse();
        }
        assertThat(cs(many, as.substring(0, 200) + "b")).isTrue();
    }
}
