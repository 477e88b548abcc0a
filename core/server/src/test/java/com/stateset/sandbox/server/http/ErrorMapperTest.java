package com.stateset.sandbox.server.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.spi.runtime.SandboxRecoveringException;
import java.io.UncheckedIOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ErrorMapperTest {

    @Test
    void aSandboxRecoveringFromAFloodIsAnAnswerToRetryAfterAWhile() {
        ErrorAnswer answer = ErrorMapper.translate(new UncheckedIOException(new java.io.IOException(
                new SandboxRecoveringException("sbx_1", Duration.ofSeconds(5)))));
        assertThat(answer.status()).isEqualTo(503);
        assertThat(answer.code()).isEqualTo(ErrorCodes.SANDBOX_RECOVERING);
        assertThat(answer.message()).contains("sbx_1", "nothing ran");
        assertThat(answer.headers()).containsEntry("Retry-After", "5");
        assertThat(answer.details()).containsEntry("retry_after", 5L);
    }
}
