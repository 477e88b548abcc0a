package com.stateset.sandbox.server.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class EventDispatcherTest {

    @Test
    void delaysDoubleWithJitterAndRespectRetryAfterAndTheCap() {
        for (int i = 0; i < 100; i++) {
            assertThat(EventDispatcher.delay(1, 1000, null)).isBetween(Duration.ofMillis(800), Duration.ofMillis(1200));
            assertThat(EventDispatcher.delay(3, 1000, null)).isBetween(Duration.ofMillis(3200), Duration.ofMillis(4800));
        }
        assertThat(EventDispatcher.delay(1, 1000, Duration.ofSeconds(30))).isEqualTo(Duration.ofSeconds(30));
        assertThat(EventDispatcher.delay(1, 1000, Duration.ofDays(2))).isEqualTo(Duration.ofHours(1));
        assertThat(EventDispatcher.delay(40, 3_600_000, null)).isEqualTo(Duration.ofHours(1));
    }
}
