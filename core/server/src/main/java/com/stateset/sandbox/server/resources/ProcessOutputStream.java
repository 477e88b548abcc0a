package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.server.core.ProcessService;
import com.stateset.sandbox.server.http.ErrorAnswer;
import com.stateset.sandbox.server.http.ErrorMapper;
import com.stateset.sandbox.spi.runtime.process.ExitStatus;
import com.stateset.sandbox.spi.runtime.process.ProcessAttachment;
import com.stateset.sandbox.spi.runtime.process.ProcessOutput;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.glassfish.jersey.server.ChunkedOutput;

/**
 * A background process's output as server-sent events: {@code stdout}/{@code stderr} events with
 * the byte offset they start at and, as their SSE id, the offset after them (so a client that
 * reconnects with {@code Last-Event-ID} gets exactly the bytes it had not, while the sandbox keeps
 * them); {@code gap} when bytes it asked for were dropped before they could be sent; {@code exit}
 * once the process has exited and all its output has been sent. A client too slow for the
 * {@link SseRelay} is told where to resume.
 */
final class ProcessOutputStream {

    private final ProcessService processes;
    private final ProcessService.Target target;
    private final long offset;
    private final boolean base64;
    private final SseRelay relay;

    ProcessOutputStream(ProcessService processes, ProcessService.Target target, long offset, boolean base64, SseRelay relay) {
        this.processes = requireNonNull(processes, "processes is null");
        this.target = requireNonNull(target, "target is null");
        this.offset = offset;
        this.base64 = base64;
        this.relay = requireNonNull(relay, "relay is null");
    }

    /** Attaches to the process and returns the stream its events go to. */
    ChunkedOutput<String> start() {
        Sink sink = new Sink();
        ProcessAttachment attachment = processes.on(target, p -> p.attach(target.agentId(), offset, sink));
        attachment.exit().whenComplete((exit, failure) -> {
            sink.flush();
            if (failure == null) {
                relay.send(null, exitEvent(exit), sink.behind());
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                ErrorAnswer error = ErrorMapper.translate(cause instanceof RuntimeException e ? e : new RuntimeException(cause));
                Map<String, Object> event = SseRelay.event("error");
                event.put("error", error.message());
                event.put("code", error.code());
                relay.send(null, event, sink.behind());
            }
            relay.end();
        });
        return relay.start("process-output-" + target.sandbox().id(), attachment);
    }

    private static Map<String, Object> exitEvent(ExitStatus exit) {
        Map<String, Object> event = SseRelay.event("exit");
        event.put("exit_code", exit.code());
        event.put("signal", exit.signal() == 0 ? null : exit.signal());
        return event;
    }

    /**
     * Turns the runtime's bytes into events, on the sandbox channel's thread: it only queues. Text
     * is decoded per stream across chunks (a character split between two chunks comes whole in the
     * second's event); a client that resumes in the middle of a character sees U+FFFD for its
     * first bytes, which {@code encoding=base64} avoids.
     */
    private final class Sink implements ProcessOutput {
        private long at = -1;
        private final Decoder stdout = new Decoder();
        private final Decoder stderr = new Decoder();

        @Override
        public synchronized void from(long offset) {
            long expected = at < 0 ? ProcessOutputStream.this.offset : at;
            if (offset != expected) {
                Map<String, Object> gap = SseRelay.event("gap");
                gap.put("requested_offset", expected);
                gap.put("offset", offset);
                gap.put("lost_bytes", offset - expected);
                relay.send(offset, gap, behind());
            }
            at = offset;
        }

        @Override
        public void stdout(byte[] bytes, int offset, int length) {
            output("stdout", stdout, bytes, offset, length);
        }

        @Override
        public void stderr(byte[] bytes, int offset, int length) {
            output("stderr", stderr, bytes, offset, length);
        }

        private synchronized void output(String type, Decoder decoder, byte[] bytes, int offset, int length) {
            Map<String, Object> event = SseRelay.event(type);
            event.put("offset", at);
            event.put("data", base64 ? Base64.getEncoder().encodeToString(Arrays.copyOfRange(bytes, offset, offset + length))
                    : decoder.decode(bytes, offset, length, false));
            String behind = behind();
            at += length;
            relay.send(at, event, behind);
        }

        /** What the decoders still hold (an incomplete character at the very end), before the exit. */
        synchronized void flush() {
            if (base64) {
                return;
            }
            for (String type : new String[] {"stdout", "stderr"}) {
                String rest = (type.equals("stdout") ? stdout : stderr).decode(new byte[0], 0, 0, true);
                if (!rest.isEmpty()) {
                    Map<String, Object> event = SseRelay.event(type);
                    event.put("offset", at);
                    event.put("data", rest);
                    relay.send(at, event, behind());
                }
            }
        }

        synchronized String behind() {
            return "the client reads more slowly than the process writes; reconnect from offset " + Math.max(at, 0)
                    + " (the id of the last event received) to go on";
        }
    }

    /** UTF-8 across chunk boundaries. */
    private static final class Decoder {
        private final CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
        private ByteBuffer pending = ByteBuffer.allocate(0);

        String decode(byte[] bytes, int offset, int length, boolean last) {
            ByteBuffer input = ByteBuffer.allocate(pending.remaining() + length);
            input.put(pending).put(bytes, offset, length).flip();
            CharBuffer chars = CharBuffer.allocate(input.remaining() + 1);
            decoder.decode(input, chars, last);
            if (last) {
                decoder.flush(chars);
            }
            pending = input.slice();
            return chars.flip().toString();
        }
    }
}
