package io.headroom.proxy.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The authenticate-oidc keys: sealing, and keeping them in the state directory. */
class OidcKeysTest {
    @TempDir
    Path dir;

    @Test
    void whatIsSealedOpensOnlyUnchangedAndForItsPurpose() {
        OidcKeys keys = OidcKeys.generate();
        byte[] sealed = keys.seal("hello".getBytes(StandardCharsets.UTF_8), "session");
        assertThat(new String(keys.unseal(sealed, "session"), StandardCharsets.UTF_8)).isEqualTo("hello");
        assertThat(keys.unseal(sealed, "state")).isNull();
        sealed[sealed.length / 2] ^= 1;
        assertThat(keys.unseal(sealed, "session")).isNull();
        assertThat(OidcKeys.generate().unseal(keys.seal(new byte[3], "session"), "session")).isNull();
        assertThat(keys.unseal(new byte[5], "session")).isNull();
    }

    @Test
    void theKeysAreKeptInTheStateDirectoryForTheOwnerOnly() throws Exception {
        OidcKeys first = OidcKeys.open(dir.resolve("state"));
        Path file = dir.resolve("state").resolve(OidcKeys.FILE_NAME);
        assertThat(file).exists();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        OidcKeys again = OidcKeys.open(dir.resolve("state"));
        assertThat(again.keyId()).isEqualTo(first.keyId());
        assertThat(again.publicKeyPem(first.keyId())).isEqualTo(first.publicKeyPem(first.keyId()))
                .startsWith("-----BEGIN PUBLIC KEY-----\n").endsWith("-----END PUBLIC KEY-----\n");
        assertThat(new String(again.unseal(first.seal(new byte[] {42}, "p"), "p"))).isEqualTo("*");
        assertThat(again.publicKeyPem("another")).isNull();
    }

    @Test
    void aBrokenFileGivesKeysInMemoryAndIsLeftAlone() throws Exception {
        Path file = dir.resolve(OidcKeys.FILE_NAME);
        Files.writeString(file, "{ not json");
        OidcKeys keys = OidcKeys.open(dir);
        assertThat(keys.keyId()).isNotBlank();
        assertThat(Files.readString(file)).isEqualTo("{ not json");
    }
}
