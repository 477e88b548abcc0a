package com.stateset.sandbox.server.events;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature headers of a webhook request: {@code X-Sandbox-Signature: sha256=<hex>}, an
 * HMAC-SHA256 of the raw body keyed with the webhook secret's bytes, and the Standard Webhooks
 * headers {@code webhook-id}, {@code webhook-timestamp} and {@code webhook-signature}
 * ({@code v1,<base64 HMAC-SHA256 of "id.timestamp.body">}, keyed with the base64 part of a
 * {@code whsec_} secret, or with the secret's bytes otherwise).
 */
public final class WebhookSigner {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String STANDARD_PREFIX = "whsec_";

    private WebhookSigner() {
    }

    /** A new secret in the Standard Webhooks form: {@code whsec_} and 32 random bytes in base64. */
    public static String newSecret() {
        byte[] key = new byte[32];
        RANDOM.nextBytes(key);
        return STANDARD_PREFIX + Base64.getEncoder().encodeToString(key);
    }

    public static Map<String, String> headers(String secret, String eventId, long timestampSeconds, String body) {
        byte[] raw = body.getBytes(StandardCharsets.UTF_8);
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("X-Sandbox-Signature", "sha256=" + HexFormat.of().formatHex(hmac(secret.getBytes(StandardCharsets.UTF_8), raw)));
        headers.put("webhook-id", eventId);
        headers.put("webhook-timestamp", Long.toString(timestampSeconds));
        byte[] signed = (eventId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8);
        headers.put("webhook-signature", "v1," + Base64.getEncoder().encodeToString(hmac(standardKey(secret), signed)));
        return headers;
    }

    private static byte[] standardKey(String secret) {
        if (secret.startsWith(STANDARD_PREFIX)) {
            try {
                return Base64.getDecoder().decode(secret.substring(STANDARD_PREFIX.length()));
            } catch (IllegalArgumentException notBase64) {
                // a secret that only looks like one: use its bytes, as for any other
            }
        }
        return secret.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
