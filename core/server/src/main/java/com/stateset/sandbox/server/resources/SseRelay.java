package com.stateset.sandbox.server.resources;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.ErrorCodes;
import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.glassfish.jersey.server.ChunkedOutput;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands server-sent events from a sandbox's channel (whose thread must never wait on a client) to
 * the client, through a queue of at most {@link #MAX_UNSENT} characters, on a virtual thread of its
 * own: a client that falls further behind is sent a last event saying so and disconnected. A
 * comment every 15 s while nothing comes finds out whether the client is still there. When the
 * stream ends, for whatever reason, {@code source} is closed.
 */
final class SseRelay {

    private static final Logger LOG = LoggerFactory.getLogger(SseRelay.class);
    static final long MAX_UNSENT = 1024 * 1024;
    private static final Duration KEEPALIVE = Duration.ofSeconds(15);
    private static final String END = "";

    private final ObjectMapper mapper;
    private final OpenStreams open;
    private final BlockingQueue<String> queue = new LinkedBlockingQueue<>();
    private final AtomicLong unsent = new AtomicLong();
    private boolean over;

    SseRelay(ObjectMapper mapper, OpenStreams open) {
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.open = requireNonNull(open, "open is null");
    }

    /** Starts relaying what is queued to the returned output, until the end; then closes {@code source}. */
    ChunkedOutput<String> start(String threadName, Closeable source) {
        ChunkedOutput<String> output = new ChunkedOutput<>(String.class);
        open.add(this);
        Thread.ofVirtual().name(threadName).start(() -> relay(output, source));
        return output;
    }

    private void relay(ChunkedOutput<String> output, Closeable source) {
        try {
            output.write("retry: 3000\n: connected\n\n");
            while (true) {
                String chunk = queue.poll(KEEPALIVE.toMillis(), TimeUnit.MILLISECONDS);
                if (chunk == null) {
                    output.write(": keepalive\n\n");
                    continue;
                }
                if (chunk == END) {
                    return;
                }
                unsent.addAndGet(-chunk.length());
                output.write(chunk);
            }
        } catch (IOException clientGone) {
            LOG.debug("event stream client went away: {}", clientGone.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            open.remove(this);
            closeQuietly(source);
            closeQuietly(output);
        }
    }

    /**
     * Queues an event with its SSE id, if any. Past {@link #MAX_UNSENT} the stream ends instead with
     * an error event whose message is {@code behind}'s: where the client may resume, say.
     */
    synchronized void send(Object id, Map<String, Object> event, String behind) {
        if (over) {
            return;
        }
        String chunk = (id == null ? "" : "id: " + id + "\n") + "data: " + json(event) + "\n\n";
        if (unsent.addAndGet(chunk.length()) > MAX_UNSENT) {
            Map<String, Object> slow = event("error");
            slow.put("code", ErrorCodes.CLIENT_GONE);
            slow.put("error", behind);
            queue.add("data: " + json(slow) + "\n\n");
            end();
            return;
        }
        queue.add(chunk);
    }

    /** Ends the stream after what is queued. */
    synchronized void end() {
        over = true;
        queue.add(END);
    }

    static Map<String, Object> event(String type) {
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

    private static void closeQuietly(Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing after an event stream failed: {}", e.getMessage());
        }
    }
}
