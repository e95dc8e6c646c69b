package io.headroom.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The literal prefix the router checks before a regex search: it must never rule out an input the regex matches. */
class RuleRegexPrefixTest {
    @Test
    void anAnchoredLiteralStartIsThePrefix() {
        assertThat(RuleRegex.literalPrefix("^/api/v1/")).isEqualTo("/api/v1/");
        assertThat(RuleRegex.literalPrefix("^api\\.example\\.com:8443$")).isEqualTo("api.example.com:8443");
        assertThat(RuleRegex.literalPrefix("^/v[0-9]+/items$")).isEqualTo("/v");
        assertThat(RuleRegex.literalPrefix("^tenant-7$")).isEqualTo("tenant-7");
    }

    @Test
    void aLiteralThatMayBeAbsentOrRepeatedIsLeftOut() {
        assertThat(RuleRegex.literalPrefix("^abc*")).isEqualTo("ab");
        assertThat(RuleRegex.literalPrefix("^ab?c")).isEqualTo("a");
        assertThat(RuleRegex.literalPrefix("^a{2}b")).isEmpty();
        assertThat(RuleRegex.literalPrefix("^a+b")).isEqualTo("a");
        assertThat(RuleRegex.literalPrefix("^\\.?x")).isEmpty();
    }

    @Test
    void noPrefixWithoutAnAnchorWithAlternationOrWithFlags() {
        assertThat(RuleRegex.literalPrefix("/api/")).isNull();
        assertThat(RuleRegex.literalPrefix("^/a|/b")).isNull();
        assertThat(RuleRegex.literalPrefix("^(/a|/b)")).isNull();
        assertThat(RuleRegex.literalPrefix("(?i)^/api")).isNull();
        assertThat(RuleRegex.literalPrefix("^(?i)/api")).isNull();
        assertThat(RuleRegex.literalPrefix("^\\d+")).isEmpty();
        assertThat(RuleRegex.literalPrefix("^[a-z]")).isEmpty();
        assertThat(RuleRegex.literalPrefix("^.x")).isEmpty();
    }

    @Test
    void everyInputTheRegexFindsStartsWithThePrefix() {
        String[] regexes = {"^/api/v1/", "^abc*", "^ab?c", "^a+b", "^/v[0-9]+/items$", "^x\\.y\\-z_", "^a(b)c", "^ab(c)?d"};
        String[] inputs = {"/api/v1/x", "ab", "abc", "abccc", "ac", "abc", "aab", "ab", "/v12/items", "/v/items",
                "x.y-z_1", "xzy-z_", "abc", "abd", "abcd", "ac"};
        for (String regex : regexes) {
            com.google.re2j.Pattern p = RuleRegex.compile(regex);
            String prefix = RuleRegex.literalPrefix(regex);
            for (String in : inputs) {
                if (p.matcher(in).find()) {
                    assertThat(in).as(regex + " finds " + in).startsWith(prefix);
                }
            }
        }
    }

    @Test
    void aCaseInsensitiveRegexHasAPrefixComparedIgnoringCaseThatNeverRulesOutAMatch() {
        assertThat(RuleRegex.caseInsensitivePrefix("(?i)^svc1\\.example\\.com(:[0-9]+)?$")).isEqualTo("svc1.example.com");
        assertThat(RuleRegex.caseInsensitivePrefix("^svc1")).isNull();
        assertThat(RuleRegex.caseInsensitivePrefix("(?i)svc1")).isNull();
        assertThat(RuleRegex.caseInsensitivePrefix("(?i)^a|b")).isNull();
        com.google.re2j.Pattern p = RuleRegex.compile("(?i)^ks");
        String prefix = RuleRegex.caseInsensitivePrefix("(?i)^ks");
        for (String in : new String[] {"ks", "KS", "kS", "\u212As", "k\u017f", "\u212A\u017F", "kx"}) {
            if (p.matcher(in).find()) {
                assertThat(in.regionMatches(true, 0, prefix, 0, prefix.length())).as(in).isTrue();
            }
        }
        assertThat(p.matcher("\u212A\u017F").find()).as("RE2 folds the Kelvin sign and the long s").isTrue();
    }
}
