package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.stateset.sandbox.server.config.StartupException;
import java.util.Base64;
import java.util.Optional;

/** Secrets: the master key their values are encrypted under. */
public class SecretsConfig {

    private static final int KEY_BYTES = 32;

    /**
     * Base64 of 32 random bytes ({@code openssl rand -base64 32}). Empty: no key, and the server
     * stores no secrets; it refuses to start if the database already holds some.
     */
    @JsonProperty
    private String masterKey;

    /**
     * Without a configured key, generate one on first start and keep it (owner-only) in the data
     * directory: the local default. A production install sets its own key instead.
     */
    @JsonProperty
    private boolean generateKey;

    public SecretsConfig() {
    }

    public SecretsConfig(String masterKey) {
        this.masterKey = masterKey;
    }

    public boolean generateKey() {
        return generateKey;
    }

    /** The configured key, if any; one that is not base64 of exactly 32 bytes stops the start. */
    public Optional<byte[]> masterKey() {
        if (masterKey == null || masterKey.isBlank()) {
            return Optional.empty();
        }
        byte[] key;
        try {
            key = Base64.getDecoder().decode(masterKey.strip());
        } catch (IllegalArgumentException e) {
            key = null; // the decoder's message quotes the offending character of the key
        }
        if (key == null || key.length != KEY_BYTES) {
            throw new StartupException("secrets.masterKey: must be the base64 encoding of exactly " + KEY_BYTES
                    + " bytes; generate one with: openssl rand -base64 32");
        }
        return Optional.of(key);
    }
}
