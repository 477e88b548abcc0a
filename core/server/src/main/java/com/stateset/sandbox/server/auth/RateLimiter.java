package com.stateset.sandbox.server.auth;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.time.Duration;

/** A token bucket per credential: a sustained rate with a burst allowance. */
public final class RateLimiter {

    private final double perNano;
    private final int burst;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder()
            .expireAfterAccess(Duration.ofMinutes(10))
            .maximumSize(1_000_000)
            .build();

    public RateLimiter(int requestsPerSecond, int burst) {
        this.perNano = requestsPerSecond / 1e9;
        this.burst = burst;
    }

    /** Takes one token: 0 when allowed, otherwise how many whole seconds until one is available. */
    public long acquire(String subject) {
        return buckets.get(subject, k -> new Bucket(burst)).take(perNano, burst, System.nanoTime());
    }

    private static final class Bucket {
        private double tokens;
        private long last;

        Bucket(int burst) {
            this.tokens = burst;
            this.last = System.nanoTime();
        }

        synchronized long take(double perNano, int burst, long now) {
            tokens = Math.min(burst, tokens + (now - last) * perNano);
            last = now;
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            double waitNanos = (1 - tokens) / perNano;
            return Math.max(1, (long) Math.ceil(waitNanos / 1e9));
        }
    }
}
