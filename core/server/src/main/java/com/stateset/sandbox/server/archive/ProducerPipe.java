package com.stateset.sandbox.server.archive;

import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.UncheckedIOException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Streams what a producer writes, on a virtual thread of its own, to a consumer on the calling
 * thread, with a bounded buffer between them. A producer's failure reaches the consumer as an
 * {@link IOException} where the stream would have ended, never as a clean (and truncated) end, and
 * is then rethrown to the caller in preference to the consumer's own error.
 */
public final class ProducerPipe {

    private static final int BUFFER = 256 * 1024;

    /** Writes the stream; the pipe closes it. */
    @FunctionalInterface
    public interface Producer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** Reads the stream to its end, or fails. */
    @FunctionalInterface
    public interface Consumer<T> {
        T readFrom(InputStream in) throws IOException;
    }

    private ProducerPipe() {
    }

    public static <T> T run(String name, Producer producer, Consumer<T> consumer) {
        PipedInputStream pipe = new PipedInputStream(BUFFER);
        PipedOutputStream sink;
        try {
            sink = new PipedOutputStream(pipe);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        AtomicReference<Throwable> failure = new AtomicReference<>();
        // The producer cannot close the pipe itself: the failure must be recorded before the end.
        OutputStream unclosable = new FilterOutputStream(sink) {
            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                out.write(b, off, len);
            }

            @Override
            public void close() throws IOException {
                flush();
            }
        };
        Thread thread = Thread.ofVirtual().name(name).start(() -> {
            try {
                producer.writeTo(unclosable);
            } catch (Throwable e) {
                failure.set(e);
            } finally {
                try {
                    sink.close();
                } catch (IOException ignored) {
                    // the reader is gone; its own error explains why
                }
            }
        });
        InputStream in = new FailingAtEnd(pipe, failure);
        T result;
        try {
            result = consumer.readFrom(in);
        } catch (IOException | RuntimeException e) {
            // A producer failure from before this one caused it; one after is only our closing the pipe.
            Throwable earlier = failure.get();
            closeQuietly(in);
            join(thread);
            throw earlier != null ? unchecked(earlier) : unchecked(e);
        }
        closeQuietly(in);
        join(thread);
        if (failure.get() != null) {
            throw unchecked(failure.get());
        }
        return result;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException ignored) {
            // closing a pipe's reading end does not fail in a way that matters here
        }
    }

    private static void join(Thread thread) {
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while streaming", e);
        }
    }

    private static RuntimeException unchecked(Throwable e) {
        if (e instanceof RuntimeException runtime) {
            return runtime;
        }
        if (e instanceof IOException io) {
            return new UncheckedIOException(io);
        }
        if (e instanceof Error error) {
            throw error;
        }
        return new IllegalStateException(e);
    }

    /** Turns the end of the stream into an error when the producer failed. */
    private static final class FailingAtEnd extends FilterInputStream {
        private final AtomicReference<Throwable> failure;

        FailingAtEnd(InputStream in, AtomicReference<Throwable> failure) {
            super(in);
            this.failure = failure;
        }

        @Override
        public int read() throws IOException {
            return checked(super.read());
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            return checked(super.read(b, off, len));
        }

        private int checked(int n) throws IOException {
            if (n < 0 && failure.get() != null) {
                throw new IOException("the stream's producer failed", failure.get());
            }
            return n;
        }
    }
}
