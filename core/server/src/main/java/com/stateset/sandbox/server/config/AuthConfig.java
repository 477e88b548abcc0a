package com.stateset.sandbox.server.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Registration, API keys, JWTs and rate limits. */
public class AuthConfig {

    /** Whether {@code POST /api/v1/register} creates organizations; off for closed installs. */
    @JsonProperty
    private boolean registrationEnabled = true;

    /** The plan a new organization starts on. */
    @JsonProperty
    @NotNull
    private String defaultPlan = "free";

    /**
     * HS256 secret for Bearer tokens, at least 32 bytes; null or empty turns JWT authentication
     * off (API keys only).
     */
    @JsonProperty
    private String jwtSecret;

    /** How long a key look-up is cached: a revoked key stops working within this many seconds. */
    @JsonProperty
    @Min(0)
    @Max(300)
    private int keyCacheSeconds = 5;

    @JsonProperty
    @Valid
    @NotNull
    private RateLimitConfig rateLimit = new RateLimitConfig();

    public boolean registrationEnabled() {
        return registrationEnabled;
    }

    public String defaultPlan() {
        return defaultPlan;
    }

    public String jwtSecret() {
        return jwtSecret == null || jwtSecret.isEmpty() ? null : jwtSecret;
    }

    public int keyCacheSeconds() {
        return keyCacheSeconds;
    }

    public RateLimitConfig rateLimit() {
        return rateLimit;
    }

    public AuthConfig withRegistrationEnabled(boolean enabled) {
        this.registrationEnabled = enabled;
        return this;
    }

    /** Requests per credential: a sustained rate and a burst. */
    public static class RateLimitConfig {

        @JsonProperty
        @Min(1)
        private int requestsPerSecond = 50;

        @JsonProperty
        @Min(1)
        private int burst = 100;

        public int requestsPerSecond() {
            return requestsPerSecond;
        }

        public int burst() {
            return burst;
        }
    }
}
