package io.headroom.proxy.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.text.ParseException;
import java.util.Base64;
import java.util.UUID;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The keys of the authenticate-oidc action, one set per Headroom process, the same for every listener and kept
 * across config reloads: an AES-256 key that seals (AES-GCM) session cookies and state parameters, and an ES256
 * (P-256) key pair that signs the {@code x-amzn-oidc-data} JWT, named by a key id whose public key the admin API
 * serves. {@link #open} keeps them in {@code stateDir/oidc-keys.json} (owner-only), so sessions survive a restart.
 * Thread-safe.
 */
public final class OidcKeys {
    private static final Logger log = LoggerFactory.getLogger(OidcKeys.class);
    /** The file in the state directory. */
    public static final String FILE_NAME = "oidc-keys.json";
    private static final int IV_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKey sealKey;
    private final ECKey signingKey;
    private final JWSSigner signer;
    private final String publicKeyPem;

    private OidcKeys(SecretKey sealKey, ECKey signingKey) {
        this.sealKey = sealKey;
        this.signingKey = signingKey;
        try {
            this.signer = new ECDSASigner(signingKey);
            this.publicKeyPem = pem(signingKey.toECPublicKey().getEncoded());
        } catch (JOSEException e) {
            throw new IllegalStateException("oidc keys: " + e.getMessage(), e);
        }
    }

    /** New keys, kept in memory only: sessions end with the process. */
    public static OidcKeys generate() {
        byte[] aes = new byte[32];
        RANDOM.nextBytes(aes);
        try {
            ECKey ec = new ECKeyGenerator(Curve.P_256).keyID(UUID.randomUUID().toString()).generate();
            return new OidcKeys(new SecretKeySpec(aes, "AES"), ec);
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot generate an ES256 key: " + e.getMessage(), e);
        }
    }

    /**
     * The keys of {@code stateDir/oidc-keys.json}, made and saved there (readable by the owner only) when it does
     * not exist yet. Never throws: a file that cannot be read or written gives new keys kept in memory only (logged
     * as an ERROR), so the load balancer still serves and only sessions do not outlive the process.
     */
    public static OidcKeys open(Path stateDir) {
        Path file = stateDir.resolve(FILE_NAME);
        ObjectMapper mapper = new ObjectMapper();
        try {
            if (Files.exists(file)) {
                JsonNode n = mapper.readTree(file.toFile());
                byte[] aes = Base64.getDecoder().decode(n.path("cookieKey").asText());
                ECKey ec = ECKey.parse(mapper.writeValueAsString(n.path("signingKey")));
                if (aes.length != 32 || !ec.isPrivate() || !Curve.P_256.equals(ec.getCurve())) {
                    throw new IOException("not a 256-bit cookie key and a private P-256 signing key");
                }
                return new OidcKeys(new SecretKeySpec(aes, "AES"), ec);
            }
            OidcKeys keys = generate();
            Files.createDirectories(stateDir);
            ObjectNode out = mapper.createObjectNode();
            out.put("cookieKey", Base64.getEncoder().encodeToString(keys.sealKey.getEncoded()));
            out.set("signingKey", mapper.readTree(keys.signingKey.toJSONString()));
            Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
            Files.deleteIfExists(tmp);
            try {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            } catch (UnsupportedOperationException notPosix) {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, mapper.writerWithDefaultPrettyPrinter().writeValueAsString(out), StandardCharsets.UTF_8);
            try {
                Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
            } catch (AtomicMoveNotSupportedException | FileAlreadyExistsException e) {
                Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
            }
            return keys;
        } catch (IOException | ParseException | RuntimeException e) {
            log.error("authenticate-oidc keys: cannot use {} ({}); using new keys kept in memory only: sessions "
                    + "will not survive a restart", file, e.toString());
            return generate();
        }
    }

    /** The id of the signing key: the {@code kid} of every {@code x-amzn-oidc-data} JWT. */
    public String keyId() {
        return signingKey.getKeyID();
    }

    /** The public key of {@code keyId} as PEM (as AWS's public key endpoint answers), or null for another id. */
    public String publicKeyPem(String keyId) {
        return keyId().equals(keyId) ? publicKeyPem : null;
    }

    JWSSigner signer() {
        return signer;
    }

    /** {@code plaintext} encrypted and authenticated with {@code purpose} as associated data: IV, ciphertext, tag. */
    byte[] seal(byte[] plaintext, String purpose) {
        byte[] iv = new byte[IV_BYTES];
        RANDOM.nextBytes(iv);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, iv));
            c.updateAAD(purpose.getBytes(StandardCharsets.US_ASCII));
            byte[] out = new byte[IV_BYTES + c.getOutputSize(plaintext.length)];
            System.arraycopy(iv, 0, out, 0, IV_BYTES);
            c.doFinal(plaintext, 0, plaintext.length, out, IV_BYTES);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM: " + e.getMessage(), e);
        }
    }

    /** What {@link #seal} sealed for {@code purpose}; null when it was changed, sealed with another key or for another purpose. */
    byte[] unseal(byte[] sealed, String purpose) {
        if (sealed == null || sealed.length < IV_BYTES + TAG_BITS / 8) {
            return null;
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, sealKey, new GCMParameterSpec(TAG_BITS, sealed, 0, IV_BYTES));
            c.updateAAD(purpose.getBytes(StandardCharsets.US_ASCII));
            return c.doFinal(sealed, IV_BYTES, sealed.length - IV_BYTES);
        } catch (GeneralSecurityException e) {
            return null;
        }
    }

    private static String pem(byte[] der) {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END PUBLIC KEY-----\n";
    }
}
