package com.stateset.sandbox.server.http;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.core.TerminalService;
import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.Terminal;
import com.stateset.sandbox.spi.runtime.TerminalSpec;
import com.stateset.sandbox.spi.runtime.agent.AgentCommandNotStartedException;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeRequest;
import org.eclipse.jetty.ee10.websocket.server.JettyServerUpgradeResponse;
import org.eclipse.jetty.ee10.websocket.server.config.JettyWebSocketServletContainerInitializer;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.eclipse.jetty.websocket.api.StatusCode;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Terminals as WebSockets at {@code /api/v1/sandbox/{id}/terminal/connect?ticket=...}. The ticket
 * (from {@code POST /api/v1/sandbox/{id}/terminal}) is checked before the upgrade, so a bad one is
 * an HTTP error in the API's shape. Then binary messages are what is typed, and what the terminal
 * writes comes back as binary messages; text messages are JSON: {@code {"type":"resize","cols":C,
 * "rows":R}} and {@code {"type":"input","data":"..."}} from the client, {@code {"type":"exit",
 * "exit_code":N}} (then a normal close) and {@code {"type":"error","message":"..."}} from the
 * server. Closing the socket hangs the terminal up.
 *
 * <p>Output is sent no faster than the client takes it: past {@link #MAX_UNSENT} bytes not yet
 * written to the client, the terminal's output waits (and with it, everything of that sandbox's
 * agent channel), so a flood costs the server a bounded buffer; a client that takes nothing for
 * {@link #SEND_PATIENCE} is dropped (a close frame would wait behind what it does not read) and
 * its terminal's command killed.
 */
public final class TerminalSockets {

    private static final Logger LOG = LoggerFactory.getLogger(TerminalSockets.class);
    private static final Pattern PATH = Pattern.compile("/api/v1/sandbox/([^/]+)/terminal/connect");
    private static final Duration IDLE_TIMEOUT = Duration.ofMinutes(30);
    private static final long MAX_MESSAGE = 64 * 1024;
    private static final long MAX_UNSENT = 1024 * 1024;
    private static final Duration SEND_PATIENCE = Duration.ofSeconds(30);

    private TerminalSockets() {
    }

    public static void register(ServletContextHandler context, TerminalService terminals, ObjectMapper json) {
        JettyWebSocketServletContainerInitializer.configure(context, (servletContext, container) -> {
            container.setIdleTimeout(IDLE_TIMEOUT);
            container.setMaxBinaryMessageSize(MAX_MESSAGE);
            container.setMaxTextMessageSize(MAX_MESSAGE);
            container.addMapping("regex|^" + PATH.pattern() + "$", (request, response) -> connect(terminals, json, request, response));
        });
    }

    private static Object connect(TerminalService terminals, ObjectMapper json, JettyServerUpgradeRequest request,
            JettyServerUpgradeResponse response) throws java.io.IOException {
        Matcher path = PATH.matcher(request.getRequestPath());
        List<String> tickets = request.getParameterMap().get("ticket");
        Socket socket = new Socket(json);
        try {
            if (!path.matches()) {
                throw new IllegalStateException("mapped to a path it does not match: " + request.getRequestPath());
            }
            socket.attach(terminals.open(path.group(1), tickets == null || tickets.size() != 1 ? null : tickets.get(0), socket));
            // No permessage-deflate: keystrokes and screens are small and latency-bound, and clients
            // disagree on its details (Node.js 20's WebSocket drops the connection on Jetty's frames).
            response.setExtensions(List.of());
            return socket;
        } catch (RuntimeException e) {
            ErrorAnswer answer = ErrorMapper.translate(e);
            if (answer.status() == 500) {
                LOG.error("opening a terminal failed", e);
            }
            response.setHeader("Content-Type", "application/json");
            response.sendError(answer.status(), answer.message());
            return null;
        }
    }

    /** One terminal's WebSocket. */
    /** Public: Jetty calls its listener methods through method handles. */
    public static final class Socket implements Session.Listener.AutoDemanding, ExecOutput {
        private final ObjectMapper json;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition sent = lock.newCondition();
        /** Output written before the socket opened (at most {@link #MAX_UNSENT}), sent once it has. */
        private final ByteArrayOutputStream early = new ByteArrayOutputStream();
        private long unsent;
        private volatile Session session;
        private volatile Terminal terminal;

        Socket(ObjectMapper json) {
            this.json = requireNonNull(json, "json is null");
        }

        /** The terminal, hung up if its socket has not opened within {@link #SEND_PATIENCE} (an upgrade that failed). */
        void attach(Terminal terminal) {
            this.terminal = terminal;
            Thread.startVirtualThread(() -> {
                try {
                    Thread.sleep(SEND_PATIENCE.toMillis());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                if (session == null) {
                    hangUp();
                }
            });
        }

        @Override
        public void onWebSocketOpen(Session opened) {
            lock.lock();
            try {
                session = opened;
                if (early.size() > 0) {
                    send(early.toByteArray());
                    early.reset();
                }
                sent.signalAll();
            } finally {
                lock.unlock();
            }
            terminal.exit().whenComplete((code, failure) -> {
                if (failure == null) {
                    text(Map.of("type", "exit", "exit_code", code));
                    opened.close(StatusCode.NORMAL, "exited", Callback.NOOP);
                } else {
                    Throwable cause = failure instanceof CompletionException ? failure.getCause() : failure;
                    text(Map.of("type", "error", "message", cause instanceof AgentCommandNotStartedException notStarted
                            ? "the command could not start: " + notStarted.getMessage()
                            : "the terminal was lost: " + cause.getMessage()));
                    opened.close(StatusCode.SERVER_ERROR, "terminal lost", Callback.NOOP);
                }
            });
        }

        @Override
        public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
            byte[] bytes = new byte[payload.remaining()];
            payload.get(bytes);
            try {
                terminal.write(bytes);
                callback.succeed();
            } catch (RuntimeException e) {
                callback.fail(e);
                hangUp();
            }
        }

        @Override
        public void onWebSocketText(String message) {
            JsonNode node;
            try {
                node = json.readTree(message);
            } catch (java.io.IOException e) {
                node = null;
            }
            String type = node == null ? null : node.path("type").asText(null);
            if ("input".equals(type) && node.path("data").isTextual()) {
                terminal.write(node.path("data").asText().getBytes(StandardCharsets.UTF_8));
            } else if ("resize".equals(type) && node.path("cols").canConvertToInt() && node.path("rows").canConvertToInt()
                    && fits(node.path("cols").asInt()) && fits(node.path("rows").asInt())) {
                terminal.resize(node.path("rows").asInt(), node.path("cols").asInt());
            } else {
                text(Map.of("type", "error", "message", "a text message is JSON: {\"type\":\"resize\",\"cols\":1-"
                        + TerminalSpec.MAX_SIDE + ",\"rows\":1-" + TerminalSpec.MAX_SIDE + "} or {\"type\":\"input\",\"data\":\"...\"}"));
            }
        }

        @Override
        public void onWebSocketClose(int statusCode, String reason) {
            hangUp();
        }

        @Override
        public void onWebSocketError(Throwable cause) {
            hangUp();
        }

        @Override
        public void stdout(byte[] bytes, int offset, int length) {
            byte[] copy = java.util.Arrays.copyOfRange(bytes, offset, offset + length);
            lock.lock();
            try {
                long deadline = System.nanoTime() + SEND_PATIENCE.toNanos();
                while (session == null ? early.size() + length > MAX_UNSENT : unsent > MAX_UNSENT) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0 || (session != null && !session.isOpen())) {
                        if (session != null) {
                            // A close frame would wait behind what the client does not read: the connection is dropped.
                            session.disconnect();
                        }
                        throw new IllegalStateException("the client does not read its terminal");
                    }
                    sent.await(left, TimeUnit.NANOSECONDS);
                }
                if (session == null) {
                    early.writeBytes(copy);
                } else {
                    send(copy);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while sending a terminal's output", e);
            } finally {
                lock.unlock();
            }
        }

        @Override
        public void stderr(byte[] bytes, int offset, int length) {
            stdout(bytes, offset, length);
        }

        /** Sends output, counted as unsent until the client has it; the caller holds the lock. */
        private void send(byte[] bytes) {
            unsent += bytes.length;
            session.sendBinary(ByteBuffer.wrap(bytes), Callback.from(() -> delivered(bytes.length), failure -> delivered(bytes.length)));
        }

        private void delivered(int bytes) {
            lock.lock();
            try {
                unsent -= bytes;
                sent.signalAll();
            } finally {
                lock.unlock();
            }
        }

        private void text(Map<String, Object> message) {
            Session open = session;
            if (open == null) {
                return;
            }
            try {
                open.sendText(json.writeValueAsString(message), Callback.NOOP);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        private void hangUp() {
            Terminal open = terminal;
            if (open != null) {
                open.close();
            }
        }

        private static boolean fits(int side) {
            return side >= 1 && side <= TerminalSpec.MAX_SIDE;
        }
    }
}
