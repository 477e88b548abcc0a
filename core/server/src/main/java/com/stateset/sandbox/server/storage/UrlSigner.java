package com.stateset.sandbox.server.storage;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 signatures for the local store's presigned URLs: over the object key and the expiry. */
public final class UrlSigner {

    private final SecretKeySpec key;

    public UrlSigner(byte[] secret) {
        if (secret.length < 32) {
            throw new IllegalArgumentException("the URL signing secret must be at least 32 bytes");
        }
        this.key = new SecretKeySpec(secret.clone(), "HmacSHA256");
    }

    public String sign(String objectKey, long expiresEpochSecond) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            byte[] digest = mac.doFinal((objectKey + "\n" + expiresEpochSecond).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether {@code signature} is ours for this key and expiry (compared in constant time). */
    public boolean verify(String objectKey, long expiresEpochSecond, String signature) {
        if (signature == null) {
            return false;
        }
        return MessageDigest.isEqual(sign(objectKey, expiresEpochSecond).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }

    /** Percent-encodes each segment of a key for a URL path, keeping the slashes. */
    static String encodePath(String key) {
        return Arrays.stream(key.split("/"))
                .map(segment -> URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"))
                .collect(Collectors.joining("/"));
    }
}
