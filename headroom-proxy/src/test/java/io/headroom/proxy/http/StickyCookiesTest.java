package io.headroom.proxy.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.headroom.core.target.TargetAddress;
import io.headroom.core.time.ManualClock;
import io.headroom.proxy.http.StickyCookies.Kind;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StickyCookiesTest {
    private final ManualClock clock = new ManualClock(Instant.parse("2026-01-01T00:00:00Z"));
    private final StickyCookies cookies = new StickyCookies(new byte[32], clock);
    private final TargetAddress a = new TargetAddress("127.0.0.1", 9001);

    @Test
    void aGenuineValueNamesItsTargetUntilItExpires() {
        String v = cookies.target(Kind.TARGET, "web", a, cookies.nowSeconds() + 60);
        assertThat(cookies.verifyTarget(v, Kind.TARGET, "web")).isEqualTo(a);
        clock.advance(Duration.ofSeconds(59));
        assertThat(cookies.verifyTarget(v, Kind.TARGET, "web")).isEqualTo(a);
        clock.advance(Duration.ofSeconds(1));
        assertThat(cookies.verifyTarget(v, Kind.TARGET, "web")).as("expired").isNull();
    }

    @Test
    void aValueCountsOnlyForItsKindAndGroup() {
        String v = cookies.target(Kind.TARGET, "web", a, cookies.nowSeconds() + 60);
        assertThat(cookies.verifyTarget(v, Kind.APP, "web")).isNull();
        assertThat(cookies.verifyTarget(v, Kind.TARGET, "we")).isNull();
        assertThat(cookies.verifyTarget(v, Kind.TARGET, "web2")).isNull();
        assertThat(cookies.verifyGroup(v)).isNull();
        String g = cookies.group("blue", cookies.nowSeconds() + 60);
        assertThat(cookies.verifyGroup(g)).isEqualTo("blue");
        assertThat(cookies.verifyTarget(g, Kind.TARGET, "blue")).isNull();
    }

    @Test
    void anotherKeyOrAnyEditedCharacterFailsVerification() {
        String v = cookies.target(Kind.TARGET, "web", a, cookies.nowSeconds() + 60);
        byte[] otherKey = new byte[32];
        otherKey[0] = 1;
        assertThat(new StickyCookies(otherKey, clock).verifyTarget(v, Kind.TARGET, "web")).isNull();
        for (int i = 0; i < v.length(); i++) {
            String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
            int bits = alphabet.indexOf(v.charAt(i));
            // Every bit of the character flipped (the '.' becomes a letter), so the decoded bytes always differ.
            char flipped = bits < 0 ? 'A' : alphabet.charAt(63 - bits);
            String edited = v.substring(0, i) + flipped + v.substring(i + 1);
            assertThat(cookies.verifyTarget(edited, Kind.TARGET, "web")).as("edited at %d", i).isNull();
        }
        assertThat(cookies.verifyTarget("", Kind.TARGET, "web")).isNull();
        assertThat(cookies.verifyTarget("abc", Kind.TARGET, "web")).isNull();
        assertThat(cookies.verifyTarget("!!.??", Kind.TARGET, "web")).isNull();
    }

    @Test
    void findsACookieInACookieHeaderWithoutMistakingPrefixes() {
        String h = "HEADROOMLBTG=g; HEADROOMLBX=x;HEADROOMLB=\"v1\" ; other=1";
        assertThat(Stickiness.find(h, "HEADROOMLB")).isEqualTo("v1");
        assertThat(Stickiness.find(h, "HEADROOMLBTG")).isEqualTo("g");
        assertThat(Stickiness.find(h, "other")).isEqualTo("1");
        assertThat(Stickiness.find(h, "HEADROOM")).isNull();
        assertThat(Stickiness.find("", "a")).isNull();
    }
}
