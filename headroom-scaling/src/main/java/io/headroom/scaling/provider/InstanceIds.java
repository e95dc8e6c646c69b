package io.headroom.scaling.provider;

import java.security.SecureRandom;

/** EC2-style instance ids: {@code "i-"} followed by 17 random lowercase hex digits. */
public final class InstanceIds {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private InstanceIds() {
    }

    /** A new random id such as {@code i-0a1b2c3d4e5f60718}. */
    public static String newId() {
        char[] id = new char[19];
        id[0] = 'i';
        id[1] = '-';
        for (int i = 2; i < id.length; i++) {
            id[i] = HEX[RANDOM.nextInt(16)];
        }
        return new String(id);
    }
}
