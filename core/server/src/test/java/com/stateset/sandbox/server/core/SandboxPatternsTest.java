package com.stateset.sandbox.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SandboxPatternsTest {

    @Test
    void globsMatchWholeIds() {
        assertThat(SandboxPatterns.matches("*", "sbx_abc")).isTrue();
        assertThat(SandboxPatterns.matches("sbx_*", "sbx_abc")).isTrue();
        assertThat(SandboxPatterns.matches("sbx_a?c", "sbx_abc")).isTrue();
        assertThat(SandboxPatterns.matches("sbx_a?c", "sbx_abcd")).isFalse();
        assertThat(SandboxPatterns.matches("*c", "sbx_abc")).isTrue();
        assertThat(SandboxPatterns.matches("*b*c*", "sbx_abc")).isTrue();
        assertThat(SandboxPatterns.matches("sbx_x*", "sbx_abc")).isFalse();
        assertThat(SandboxPatterns.matches("", "")).isTrue();
    }

    @Test
    void aPatternBuiltToBacktrackCostsNoMoreThanAnyOther() {
        String hostile = "*?".repeat(49) + "Z";
        // Not a timing assertion on the matcher's speed: a regex would not finish at all.
        assertTimeoutPreemptively(Duration.ofSeconds(10),
                () -> assertThat(SandboxPatterns.matches(hostile, "sbx_" + "a".repeat(60))).isFalse());
    }
}
