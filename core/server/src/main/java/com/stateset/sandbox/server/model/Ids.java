package com.stateset.sandbox.server.model;

import java.security.SecureRandom;

/** Random, type-prefixed identifiers ({@code sbx_...}, {@code org_...}): 120 random bits each. */
public final class Ids {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final char[] ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz".toCharArray();
    private static final int LENGTH = 24;

    private Ids() {
    }

    public static String newId(String prefix) {
        return prefix + "_" + random(LENGTH);
    }

    /** {@code length} characters of [0-9a-z] from a CSPRNG (5.17 bits each). */
    public static String random(int length) {
        char[] chars = new char[length];
        for (int i = 0; i < length; i++) {
            chars[i] = ALPHABET[RANDOM.nextInt(ALPHABET.length)];
        }
        return new String(chars);
    }
}
