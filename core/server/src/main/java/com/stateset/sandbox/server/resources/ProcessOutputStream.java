package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.core.ProcessService;
import com.stateset.sandbox.server.http.ErrorAnswer;
import com.stateset.sandbox.server.http.ErrorMapper;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.spi.runtime.process.ExitStatus;
import com.stateset.sandbox.spi.runtime.process.ProcessAttachment;
import com.stateset.sandbox.spi.runtime.process.ProcessOutput;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.glassfish.jersey.server.ChunkedOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A background process's output as server-sent events: {@code stdout}/{@code stderr} events with
 * the byte offset they start at and, as their SSE id, the offset after them (so a client that
 * reconnects with {@code Last-Event-ID} gets exactly the bytes it had not, while the sandbox keeps
 * them); {@code gap} when bytes it asked for were dropped before they could be sent; {@code exit}
 * once the process has exited and all its output has been sent. The output is handed from the
 * sandbox's channel to the client through a queue of at most {@link #MAX_UNSENT} bytes: a client
 * slower than that is told where to resume and disconnected, so it never holds up the sandbox.
 */
final class ProcessOutputStream {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessOutputStream.class);
    static final long MAX_UNSENT = 1024 * 1024;
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);
    private static final String END = "";

    private final ProcessService processes;
    private final ProcessService.Target target;
    private final long offset;
    private final boolean base64;
    private final ObjectMapper mapper;
    private final Consumer<ProcessOutputStream> ended;
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final AtomicLong unsent = new AtomicLong();
    private volatile boolean over;

    /** @param ended told when the stream is over */
    ProcessOutputStream(ProcessService processes, ProcessService.Target target, long offset, boolean base64, ObjectMapper mapper,
            Consumer<ProcessOutputStream> ended) {
        this.processes = requireNonNull(processes, "processes is null");
        this.target = requireNonNull(target, "target is null");
        this.offset = offset;
        this.base64 = base64;
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.ended = requireNonNull(ended, "ended is null");
    }

    /** Attaches to the process and returns the stream its events go to. */
    ChunkedOutput<String> start() {
        Sink sink = new Sink();
        ProcessAttachment attachment = processes.onSandbox(target.sandbox(),
                p -> p.attach(target.agentId(), offset, sink));
        attachment.exit().whenComplete((exit, failure) -> {
            sink.flush();
            if (failure == null) {
                enqueue(null, exitEvent(exit));
            } else {
                Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
                ErrorAnswer error = ErrorMapper.translate(cause instanceof RuntimeException e ? e : new RuntimeException(cause));
                Map<String, Object> event = event("error");
                event.put("error", error.message());
                event.put("code", error.code());
                enqueue(null, event);
            }
            end();
        });
        ChunkedOutput<String> output = new ChunkedOutput<>(String.class);
        Thread.ofVirtual().name("process-output-" + target.sandbox().id()).start(() -> relay(output, attachment));
        return output;
    }

    private void relay(ChunkedOutput<String> output, ProcessAttachment attachment) {
        try {
            output.write("retry: 3000\n: attached\n\n");
            while (true) {
                String chunk = queue.poll(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
                if (chunk == null) {
                    output.write(": keepalive\n\n"); // also finds out whether the client is still there
                    continue;
                }
                if (chunk == END) {
                    return;
                }
                unsent.addAndGet(-chunk.length());
                output.write(chunk);
            }
        } catch (IOException clientGone) {
            LOG.debug("process output client went away: {}", clientGone.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            attachment.close();
            ended.accept(this);
            try {
                output.close();
            } catch (IOException e) {
                LOG.debug("closing a process output stream failed: {}", e.getMessage());
            }
        }
    }

    /** Ends the stream after what is queued; the process runs on. */
    synchronized void end() {
        over = true;
        queue.add(END);
    }

    /** Queues an event, with its SSE id if it has one; past {@link #MAX_UNSENT} the client is told where to resume. */
    private synchronized void enqueue(Long id, Map<String, Object> event) {
        if (over) {
            return;
        }
        String chunk = (id == null ? "" : "id: " + id + "\n") + "data: " + json(event) + "\n\n";
        if (unsent.addAndGet(chunk.length()) > MAX_UNSENT) {
            Map<String, Object> slow = event("error");
            slow.put("code", ErrorCodes.CLIENT_GONE);
            slow.put("error", "the client reads more slowly than the process writes; reconnect from offset " + event.get("offset")
                    + " (the id of the last event received) to go on");
            queue.add("data: " + json(slow) + "\n\n");
            end();
            return;
        }
        queue.add(chunk);
    }

    private Map<String, Object> exitEvent(ExitStatus exit) {
        Map<String, Object> event = event("exit");
        event.put("exit_code", exit.code());
        event.put("signal", exit.signal() == 0 ? null : exit.signal());
        return event;
    }

    private static Map<String, Object> event(String type) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("type", type);
        return event;
    }

    private String json(Map<String, Object> event) {
        try {
            return mapper.writeValueAsString(event);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
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
                Map<String, Object> gap = event("gap");
                gap.put("requested_offset", expected);
                gap.put("offset", offset);
                gap.put("lost_bytes", offset - expected);
                enqueue(offset, gap);
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
            Map<String, Object> event = event(type);
            event.put("offset", at);
            event.put("data", base64 ? Base64.getEncoder().encodeToString(java.util.Arrays.copyOfRange(bytes, offset, offset + length))
                    : decoder.decode(bytes, offset, length, false));
            at += length;
            enqueue(at, event);
        }

        /** What the decoders still hold (an incomplete character at the very end), before the exit. */
        synchronized void flush() {
            for (String type : new String[] {"stdout", "stderr"}) {
                Decoder decoder = type.equals("stdout") ? stdout : stderr;
                String rest = base64 ? "" : decoder.decode(new byte[0], 0, 0, true);
                if (!rest.isEmpty()) {
                    Map<String, Object> event = event(type);
                    event.put("offset", at);
                    event.put("data", rest);
                    enqueue(at, event);
                }
            }
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
