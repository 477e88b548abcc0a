package com.stateset.sandbox.server.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** A per-key rate limit. */
@ExtendWith(DropwizardExtensionsSupport.class)
class RateLimitIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create(
            ConfigOverride.config("auth.rateLimit.requestsPerSecond", "1"),
            ConfigOverride.config("auth.rateLimit.burst", "3"));

    @Test
    void aKeyPastItsBurstIsToldWhenToRetry() {
        ApiClient api = new ApiClient(APP.getLocalPort());
        String key = api.register("Busy Org");
        String other = api.register("Calm Org");
        Reply last = null;
        for (int i = 0; i < 5; i++) {
            last = api.get("/api/v1/sandboxes", "X-API-Key", key);
        }
        assertThat(last.status()).isEqualTo(429);
        assertThat(last.errorCode()).isEqualTo("RATE_LIMITED");
        assertThat(last.headers().firstValue("Retry-After")).contains("1");
        assertThat(last.body().at("/error/details/retry_after").asInt()).isEqualTo(1);
        assertThat(api.get("/api/v1/sandboxes", "X-API-Key", other).status()).as("other keys are unaffected").isEqualTo(200);
    }
}
