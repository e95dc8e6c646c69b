package io.headroom.proxy.tls;

import static io.headroom.proxy.tls.TlsTestSupport.https;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.headroom.core.config.ListenerConfig.CertificateConfig;
import io.headroom.proxy.tls.TlsTestSupport.KeyFormat;
import io.headroom.proxy.tls.TlsTestSupport.PemPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.bouncycastle.openssl.jcajce.JceOpenSSLPKCS8EncryptorBuilder;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A certificate entry that cannot be used is an error naming the config path, the file and what is wrong. */
class CertificateErrorsTest {
    private static final String AT = "loadBalancers[0].listeners[1]";

    @TempDir
    Path dir;

    private final TlsContexts contexts = new TlsContexts();
    private PemPair site;
    private PemPair other;

    @BeforeEach
    void certificates() throws Exception {
        site = TlsTestSupport.write(dir, "site.test", List.of("site.test"), false, KeyFormat.PKCS8);
        other = TlsTestSupport.write(dir, "other.test", List.of("other.test"), true, KeyFormat.PKCS8);
    }

    private void load(String certFile, String keyFile) {
        contexts.server(AT, https(null, TlsTestSupport.selfSigned("localhost"),
                new CertificateConfig(certFile, keyFile, null)), TlsContexts.HTTP_1_1);
    }

    @Test
    void missingCertificateFile() {
        assertThatThrownBy(() -> load("certs/site.pem", site.privateKeyFile().toString()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("loadBalancers[0].listeners[1].certificates[1].certificateFile: certs/site.pem: "
                        + "no such file");
    }

    @Test
    void missingKeyFile() {
        String key = dir.resolve("nope.key").toString();
        assertThatThrownBy(() -> load(site.certificateFile().toString(), key))
                .hasMessage(AT + ".certificates[1].privateKeyFile: " + key + ": no such file");
    }

    @Test
    void keyOfAnotherCertificate() {
        String key = other.privateKeyFile().toString();
        assertThatThrownBy(() -> load(site.certificateFile().toString(), key))
                .hasMessage(AT + ".certificates[1].privateKeyFile: " + key + ": does not match the certificate in "
                        + site.certificateFile() + " (expected: the private key of its first certificate)");
    }

    @Test
    void garbageInsteadOfPem() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.pem"), "this is not a certificate\n");
        assertThatThrownBy(() -> load(garbage.toString(), site.privateKeyFile().toString()))
                .hasMessageStartingWith(AT + ".certificates[1].certificateFile: " + garbage + ": not a PEM file");
        Path broken = Files.writeString(dir.resolve("broken.pem"),
                "-----BEGIN CERTIFICATE-----\n!!!not base64!!!\n-----END CERTIFICATE-----\n");
        assertThatThrownBy(() -> load(broken.toString(), site.privateKeyFile().toString()))
                .hasMessageStartingWith(AT + ".certificates[1].certificateFile: " + broken + ": ");
    }

    @Test
    void keyWhereTheCertificateShouldBeAndTheOtherWayRound() {
        String cert = site.certificateFile().toString();
        String key = site.privateKeyFile().toString();
        assertThatThrownBy(() -> load(key, key))
                .hasMessageStartingWith(AT + ".certificates[1].certificateFile: " + key
                        + ": no certificate in the file");
        assertThatThrownBy(() -> load(cert, cert))
                .hasMessageStartingWith(AT + ".certificates[1].privateKeyFile: " + cert
                        + ": no private key in the file");
    }

    @Test
    void encryptedKey() throws Exception {
        var km = SelfSigned.generate("enc.test");
        Path cert = Files.writeString(dir.resolve("enc.pem"), TlsTestSupport.pem(km.leaf()));
        var encryptor = new JceOpenSSLPKCS8EncryptorBuilder(JcaPKCS8Generator.AES_256_CBC)
                .setProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider())
                .setPassword("secret".toCharArray()).build();
        Path key = Files.writeString(dir.resolve("enc.key"),
                TlsTestSupport.pem(new JcaPKCS8Generator(km.key(), encryptor)));
        assertThatThrownBy(() -> load(cert.toString(), key.toString()))
                .hasMessageStartingWith(AT + ".certificates[1].privateKeyFile: " + key
                        + ": the private key is encrypted");
    }

    @Test
    void unknownPolicy() {
        assertThatThrownBy(() -> contexts.server(AT, https("tls10", TlsTestSupport.selfSigned("x")),
                TlsContexts.HTTP_1_1))
                .hasMessage(AT + ".sslPolicy: \"tls10\" (expected: recommended | tls13)");
    }
}
