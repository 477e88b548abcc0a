package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.server.core.CommandService;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.http.ErrorAnswer;
import com.stateset.sandbox.server.http.ErrorMapper;
import com.stateset.sandbox.server.http.IdempotentCall;
import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.ExecResult;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.glassfish.jersey.server.ChunkedOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * A command's output as server-sent events, each written as its own HTTP chunk as the command
 * produces it: {@code stdout}/{@code stderr}, then {@code exit} (or {@code error}), then
 * {@code done}. The command runs on a virtual thread; if the client goes away, the next write
 * fails and the command is killed. Under an {@code Idempotency-Key} the whole stream is kept for a
 * retry, ending as the client saw it or, if it went away, with the error that it did.
 */
final class CommandEventStream {

    private static final Logger LOG = LoggerFactory.getLogger(CommandEventStream.class);

    private final CommandService commands;
    private final CommandService.Prepared prepared;
    private final ObjectMapper mapper;
    private final IdempotentCall recording;

    /** @param recording where the stream is kept for retries, or null */
    CommandEventStream(CommandService commands, CommandService.Prepared prepared, ObjectMapper mapper, IdempotentCall recording) {
        this.commands = requireNonNull(commands, "commands is null");
        this.prepared = requireNonNull(prepared, "prepared is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.recording = recording;
    }

    /** Starts the command and returns the stream its events go to. */
    ChunkedOutput<String> start() {
        ChunkedOutput<String> output = new ChunkedOutput<>(String.class);
        Map<String, String> logContext = MDC.getCopyOfContextMap();
        Thread.ofVirtual().name("exec-" + prepared.sandbox().id()).start(() -> {
            if (logContext != null) {
                MDC.setContextMap(logContext);
            }
            Emitter emitter = new Emitter(output);
            try {
                run(emitter);
            } finally {
                if (recording != null && emitter.retryable) {
                    recording.release(); // a retry may do better than an error of the runtime's
                } else if (recording != null) {
                    recording.complete(200, MediaType.SERVER_SENT_EVENTS, emitter.recorded());
                }
                try {
                    output.close();
                } catch (IOException e) {
                    LOG.debug("closing the event stream failed: {}", e.getMessage());
                }
            }
        });
        return output;
    }

    private void run(Emitter emitter) {
        Decoder stdout = new Decoder("stdout", commands.maxOutputBytes(), emitter);
        Decoder stderr = new Decoder("stderr", commands.maxOutputBytes(), emitter);
        long started = System.nanoTime();
        try {
            ExecResult result = commands.exec(prepared, new ExecOutput() {
                @Override
                public void stdout(byte[] bytes, int offset, int length) {
                    stdout.accept(bytes, offset, length);
                }

                @Override
                public void stderr(byte[] bytes, int offset, int length) {
                    stderr.accept(bytes, offset, length);
                }
            });
            stdout.finish();
            stderr.finish();
            Map<String, Object> exit = event("exit");
            exit.put("code", result.exitCode());
            exit.put("timed_out", result.timedOut());
            exit.put("truncated", stdout.truncated || stderr.truncated);
            exit.put("output_truncated", stdout.truncated || stderr.truncated);
            exit.put("duration_ms", (System.nanoTime() - started) / 1_000_000);
            emitter.send(exit);
        } catch (UncheckedIOException clientGone) {
            LOG.debug("stream client went away: {}", clientGone.getMessage());
            Map<String, Object> event = event("error");
            event.put("error", "the client went away; the command was killed");
            event.put("code", ErrorCodes.CLIENT_GONE);
            emitter.recordOnly(event);
            emitter.recordOnly(event("done"));
            return;
        } catch (RuntimeException e) {
            ErrorAnswer error = ErrorMapper.translate(e);
            emitter.retryable = error.status() >= 500;
            if (error.status() >= 500 && !(e instanceof DomainException)) {
                LOG.warn("streamed command in {} failed", prepared.sandbox().id(), e);
            }
            Map<String, Object> event = event("error");
            event.put("error", error.message());
            event.put("code", error.code());
            emitter.sendQuietly(event);
        }
        emitter.sendQuietly(event("done"));
    }

    private static Map<String, Object> event(String type) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        return event;
    }

    /** Writes one {@code data: {json}} event as one chunk. */
    private final class Emitter {
        private final ChunkedOutput<String> out;
        private final StringBuilder recorded = new StringBuilder();
        /** Whether the stream ended with an error a retry may cure. */
        volatile boolean retryable;

        Emitter(ChunkedOutput<String> out) {
            this.out = out;
        }

        synchronized void send(Map<String, Object> event) {
            String chunk = chunk(event);
            if (recording != null) {
                recorded.append(chunk);
            }
            try {
                out.write(chunk);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        synchronized void recordOnly(Map<String, Object> event) {
            recorded.append(chunk(event));
        }

        synchronized byte[] recorded() {
            return recorded.toString().getBytes(StandardCharsets.UTF_8);
        }

        private String chunk(Map<String, Object> event) {
            try {
                return "data: " + mapper.writeValueAsString(event) + "\n\n";
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }

        void sendQuietly(Map<String, Object> event) {
            try {
                send(event);
            } catch (UncheckedIOException clientGone) {
                LOG.debug("stream client went away: {}", clientGone.getMessage());
            }
        }
    }

    /** Decodes one stream's UTF-8 across chunk boundaries and stops at the output cap. */
    private static final class Decoder {
        private final String type;
        private final long cap;
        private final Emitter emitter;
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private ByteBuffer pending = ByteBuffer.allocate(0);
        private long seen;
        private boolean truncated;

        Decoder(String type, long cap, Emitter emitter) {
            this.type = type;
            this.cap = cap;
            this.emitter = emitter;
        }

        void accept(byte[] bytes, int offset, int length) {
            long room = cap - seen;
            seen += length;
            if (length > room) {
                truncated = true;
            }
            if (room <= 0) {
                return;
            }
            int take = (int) Math.min(room, length);
            ByteBuffer input = ByteBuffer.allocate(pending.remaining() + take);
            input.put(pending).put(bytes, offset, take).flip();
            CharBuffer chars = CharBuffer.allocate(input.remaining());
            decoder.decode(input, chars, false);
            pending = input.slice();
            emit(chars.flip().toString());
        }

        void finish() {
            CharBuffer chars = CharBuffer.allocate(pending.remaining() + 1);
            decoder.decode(pending, chars, true);
            decoder.flush(chars);
            emit(chars.flip().toString());
        }

        private void emit(String text) {
            if (!text.isEmpty()) {
                Map<String, Object> event = event(type);
                event.put("data", text);
                emitter.send(event);
            }
        }
    }
}
