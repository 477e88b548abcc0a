package com.stateset.sandbox.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * API key material: {@code sk-sandbox-} followed by 43 characters of URL-safe base64 (256 random
 * bits). Only the SHA-256 hash is stored; the key itself is shown once.
 */
public final class ApiKeys {

    public static final String PREFIX = "sk-sandbox-";
    /** How many leading characters are kept in clear as {@code key_prefix}. */
    public static final int DISPLAY_PREFIX_LENGTH = 15;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int KEY_BYTES = 32;

    private ApiKeys() {
    }

    public static String generate() {
        byte[] bytes = new byte[KEY_BYTES];
        RANDOM.nextBytes(bytes);
        return PREFIX + java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    public static String displayPrefix(String key) {
        return key.substring(0, DISPLAY_PREFIX_LENGTH);
    }

    /** Hex SHA-256 of the key. */
    public static String hash(String key) {
        return HexFormat.of().formatHex(sha256(key));
    }

    /** Compares two hashes in time independent of where they differ. */
    public static boolean sameHash(String a, String b) {
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.US_ASCII), b.getBytes(StandardCharsets.US_ASCII));
    }

    /** Whether the text could be a key at all, judged without touching the database. */
    public static boolean wellFormed(String key) {
        return key != null && key.startsWith(PREFIX) && key.length() == PREFIX.length() + 43
                && key.substring(PREFIX.length()).chars().allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_');
    }

    private static byte[] sha256(String key) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
