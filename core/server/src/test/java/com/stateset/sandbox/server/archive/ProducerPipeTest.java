package com.stateset.sandbox.server.archive;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import org.junit.jupiter.api.Test;

class ProducerPipeTest {

    @Test
    void theConsumerReadsWhatTheProducerWrites() {
        long read = ProducerPipe.run("test", out -> {
            for (int i = 0; i < 100; i++) {
                out.write(new byte[10_000]);
            }
        }, in -> in.transferTo(OutputStream.nullOutputStream()));
        assertThat(read).isEqualTo(1_000_000);
    }

    @Test
    void aProducerFailureIsNeverACleanEndEvenIfTheProducerClosesItsStream() {
        assertThatThrownBy(() -> ProducerPipe.run("test", out -> {
            out.write(new byte[1000]);
            out.close();
            throw new IllegalStateException("source broke");
        }, in -> in.transferTo(OutputStream.nullOutputStream())))
                .isInstanceOf(IllegalStateException.class).hasMessage("source broke");
    }

    @Test
    void aProducerFailingBeforeWritingAnythingEndsTheRead() {
        assertThatThrownBy(() -> ProducerPipe.run("test", out -> {
            throw new IOException("no source");
        }, in -> in.transferTo(OutputStream.nullOutputStream())))
                .hasRootCauseMessage("no source");
    }

    @Test
    void theConsumersOwnFailureWinsOverTheProducersBrokenPipe() {
        // The producer writes far more than the pipe buffers, so it fails only because the consumer gave up.
        assertThatThrownBy(() -> ProducerPipe.run("test", out -> {
            for (int i = 0; i < 1000; i++) {
                out.write(new byte[64 * 1024]);
            }
        }, in -> {
            in.readNBytes(100_000);
            throw new IllegalArgumentException("over quota");
        })).isInstanceOf(IllegalArgumentException.class).hasMessage("over quota");
    }
}
