package com.stateset.sandbox.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SupervisorTest {

    @Test
    void theDeadlineIsTheEpochSecondAtOrAfterTheLongestLifetime() {
        assertThat(Supervisor.arguments(Instant.ofEpochSecond(1_000), Duration.ofSeconds(60))).containsExactly("1060");
        assertThat(Supervisor.arguments(Instant.ofEpochSecond(1_000, 1), Duration.ofSeconds(60)))
                .as("never before the server's expiry").containsExactly("1061");
        assertThat(Supervisor.arguments(Instant.ofEpochSecond(1_000), null)).as("no limit, no deadline").isEmpty();
    }
}
