package io.headroom.core.routing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class PathNormalizerTest {

    @Test
    void plainPathIsReturnedAsTheSameInstance() {
        String p = "/api/v1/users/style.css";
        assertThat(PathNormalizer.normalize(p)).isSameAs(p);
    }

    @Test
    void removesDotSegments() {
        assertThat(PathNormalizer.normalize("/public/../admin/x")).isEqualTo("/admin/x");
        assertThat(PathNormalizer.normalize("/a/./b")).isEqualTo("/a/b");
        assertThat(PathNormalizer.normalize("/a/b/..")).isEqualTo("/a/");
        assertThat(PathNormalizer.normalize("/a/b/.")).isEqualTo("/a/b/");
        assertThat(PathNormalizer.normalize("/../../x")).isEqualTo("/x");
        assertThat(PathNormalizer.normalize("/..")).isEqualTo("/");
        assertThat(PathNormalizer.normalize("/a/b/c/./../../g")).isEqualTo("/a/g"); // RFC 3986 5.2.4 example
    }

    @Test
    void keepsDotsThatAreNotWholeSegments() {
        assertThat(PathNormalizer.normalize("/a/..b/.c/d..")).isEqualTo("/a/..b/.c/d..");
    }

    @Test
    void keepsDuplicateSlashes() {
        assertThat(PathNormalizer.normalize("//x")).isEqualTo("//x");
        assertThat(PathNormalizer.normalize("/a//b/./c")).isEqualTo("/a//b/c");
    }

    @Test
    void decodesUnreservedCharactersOnly() {
        assertThat(PathNormalizer.normalize("/%61dmin/x")).isEqualTo("/admin/x");
        assertThat(PathNormalizer.normalize("/%7euser")).isEqualTo("/~user");
        assertThat(PathNormalizer.normalize("/%7Euser/%2d%2E%5F")).isEqualTo("/~user/-._");
        assertThat(PathNormalizer.normalize("/admin%2Fx")).isEqualTo("/admin%2Fx");
        assertThat(PathNormalizer.normalize("/a%20b%3F%25")).isEqualTo("/a%20b%3F%25");
    }

    @Test
    void decodesBeforeRemovingDotSegments() {
        assertThat(PathNormalizer.normalize("/public/%2e%2e/admin/x")).isEqualTo("/admin/x");
        assertThat(PathNormalizer.normalize("/a/%2E/b")).isEqualTo("/a/b");
    }

    @Test
    void leavesMalformedEscapesAsSent() {
        assertThat(PathNormalizer.normalize("/a%zz/b%4")).isEqualTo("/a%zz/b%4");
        assertThat(PathNormalizer.normalize("/%")).isEqualTo("/%");
        assertThat(PathNormalizer.normalize("/x%6")).isEqualTo("/x%6");
    }
}
