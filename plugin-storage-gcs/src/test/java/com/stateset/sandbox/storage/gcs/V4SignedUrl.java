package com.stateset.sandbox.storage.gcs;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * A V4 signed GET URL, checked the way Cloud Storage checks one: the signature must verify with the
 * service account's public key over the canonical request rebuilt from the URL (host the only signed
 * header, payload unsigned), and the time must fall within {@code X-Goog-Date} plus
 * {@code X-Goog-Expires}.
 */
final class V4SignedUrl {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);

    private final URI url;
    private final Map<String, String> query = new TreeMap<>();

    V4SignedUrl(URI url) {
        this.url = url;
        for (String pair : url.getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            query.put(decode(pair.substring(0, eq)), decode(pair.substring(eq + 1)));
        }
    }

    String param(String name) {
        return query.get(name);
    }

    Instant signedAt() {
        return Instant.from(DATE.parse(param("X-Goog-Date")));
    }

    Duration lifetime() {
        return Duration.ofSeconds(Long.parseLong(param("X-Goog-Expires")));
    }

    /** What Cloud Storage would decide for this URL at {@code now}. */
    boolean isValidAt(Instant now, PublicKey key) throws GeneralSecurityException {
        return signatureVerifies(key) && !now.isBefore(signedAt()) && now.isBefore(signedAt().plus(lifetime()));
    }

    boolean signatureVerifies(PublicKey key) throws GeneralSecurityException {
        if (!"GOOG4-RSA-SHA256".equals(param("X-Goog-Algorithm")) || !"host".equals(param("X-Goog-SignedHeaders"))) {
            return false;
        }
        String canonicalQuery = query.entrySet().stream()
                .filter(e -> !e.getKey().equals("X-Goog-Signature"))
                .map(e -> encode(e.getKey()) + "=" + encode(e.getValue()))
                .collect(Collectors.joining("&"));
        String host = url.getPort() < 0 ? url.getHost() : url.getHost() + ":" + url.getPort();
        String canonicalRequest = String.join("\n", "GET", url.getRawPath(), canonicalQuery, "host:" + host, "",
                "host", "UNSIGNED-PAYLOAD");
        String credential = param("X-Goog-Credential");
        String scope = credential.substring(credential.indexOf('/') + 1);
        String stringToSign = String.join("\n", "GOOG4-RSA-SHA256", param("X-Goog-Date"), scope,
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                        .digest(canonicalRequest.getBytes(StandardCharsets.UTF_8))));
        Signature verifier = Signature.getInstance("SHA256withRSA");
        verifier.initVerify(key);
        verifier.update(stringToSign.getBytes(StandardCharsets.UTF_8));
        return verifier.verify(HexFormat.of().parseHex(param("X-Goog-Signature")));
    }

    private static String decode(String raw) {
        return URLDecoder.decode(raw.replace("+", "%2B"), StandardCharsets.UTF_8);
    }

    /** RFC 3986 percent-encoding, everything but the unreserved characters, as V4 signing requires. */
    private static String encode(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }
}
