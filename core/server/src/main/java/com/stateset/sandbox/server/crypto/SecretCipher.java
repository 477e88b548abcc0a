package com.stateset.sandbox.server.crypto;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.nio.ByteBuffer;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Encrypts secret values with AES-256-GCM under the master key. Each value gets a fresh random
 * 96-bit nonce, and the secret's organization and name are authenticated with it, so a ciphertext
 * copied onto another row does not decrypt. The stored form is {@code v1:<key id>:<base64 of nonce,
 * ciphertext and tag>}: the version names the scheme, and the key id (a hash of the key, not the
 * key) tells which master key a row was stored under, so keys can be rotated row by row.
 */
public final class SecretCipher {

    private static final String VERSION = "v1";
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final SecretKeySpec key;
    private final String keyId;

    public SecretCipher(byte[] key) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the master key must be " + KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key, "AES");
        this.keyId = keyId(key);
    }

    /** Identifies the key in stored values without revealing it. */
    public String keyId() {
        return keyId;
    }

    /** The prefix of every value this cipher stores (for finding rows stored under other keys). */
    public String storedPrefix() {
        return VERSION + ":" + keyId + ":";
    }

    public String encrypt(String orgId, String name, String value) {
        byte[] nonce = new byte[NONCE_BYTES];
        RANDOM.nextBytes(nonce);
        try {
            Cipher cipher = cipher(Cipher.ENCRYPT_MODE, nonce, orgId, name);
            byte[] sealed = cipher.doFinal(value.getBytes(UTF_8));
            byte[] stored = ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
            return storedPrefix() + Base64.getEncoder().encodeToString(stored);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    /** The value stored for the secret {@code name} of {@code orgId}; fails unless it is exactly what was stored. */
    public String decrypt(String orgId, String name, String stored) {
        String[] parts = stored.split(":", 3);
        if (parts.length != 3 || !parts[0].equals(VERSION)) {
            throw new UnreadableSecretException("not a stored secret of version " + VERSION);
        }
        if (!parts[1].equals(keyId)) {
            throw new UnreadableSecretException("stored under another master key (key id " + parts[1]
                    + "; the configured key's id is " + keyId + ")");
        }
        byte[] bytes;
        try {
            bytes = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new UnreadableSecretException("the stored value is not base64");
        }
        if (bytes.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new UnreadableSecretException("the stored value is truncated");
        }
        try {
            Cipher cipher = cipher(Cipher.DECRYPT_MODE, Arrays.copyOf(bytes, NONCE_BYTES), orgId, name);
            return new String(cipher.doFinal(bytes, NONCE_BYTES, bytes.length - NONCE_BYTES), UTF_8);
        } catch (AEADBadTagException e) {
            throw new UnreadableSecretException("the stored value fails authentication: altered, or not this secret's");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is unavailable", e);
        }
    }

    private Cipher cipher(int mode, byte[] nonce, String orgId, String name) throws GeneralSecurityException {
        Cipher cipher = Cipher.getInstance("AES/GCM/NoPadding");
        cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, nonce));
        // Neither part can hold a NUL, so the joined form names one (organization, name) pair only.
        cipher.updateAAD((orgId + '\0' + name).getBytes(UTF_8));
        return cipher;
    }

    private static String keyId(byte[] key) {
        try {
            MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
            sha256.update("stateset-sandbox secrets master key id\0".getBytes(UTF_8));
            return HexFormat.of().formatHex(sha256.digest(key), 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("SHA-256 is unavailable", e);
        }
    }

    /** A stored value that cannot be decrypted with the configured key; the message never holds key or value. */
    public static final class UnreadableSecretException extends RuntimeException {

        UnreadableSecretException(String message) {
            super(message);
        }
    }
}
