package com.stateset.sandbox.server.auth;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RateLimiterTest {

    @Test
    void allowsTheBurstThenAsksToWaitPerCredential() {
        RateLimiter limiter = new RateLimiter(1, 3);
        assertThat(limiter.acquire("key_a")).isZero();
        assertThat(limiter.acquire("key_a")).isZero();
        assertThat(limiter.acquire("key_a")).isZero();
        assertThat(limiter.acquire("key_a")).isEqualTo(1);
        assertThat(limiter.acquire("key_b")).as("another credential has its own bucket").isZero();
    }
}
