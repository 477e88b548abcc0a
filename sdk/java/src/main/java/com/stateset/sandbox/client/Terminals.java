package com.stateset.sandbox.client;

import static com.stateset.sandbox.client.Transport.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.api.TerminalRequests;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/** Interactive terminals: a single-use ticket, then a WebSocket. */
public final class Terminals {

    private final Transport http;

    Terminals(Transport http) {
        this.http = http;
    }

    /** A ticket for a terminal's WebSocket (for a browser; {@link #open} does both steps). */
    public TerminalRequests.Ticket ticket(String sandboxId, Command command, int cols, int rows) {
        TerminalRequests.Open request = new TerminalRequests.Open(command == null ? null : command.command,
                command == null ? null : command.workingDir, cols, rows, null);
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/terminal").json(request),
                TerminalRequests.Ticket.class);
    }

    /**
     * Opens a terminal running {@code command} (null: the sandbox user's login shell); what it writes
     * goes to {@code output}, on the WebSocket's thread.
     */
    public Terminal open(String sandboxId, Command command, int cols, int rows, Consumer<byte[]> output) {
        TerminalRequests.Ticket ticket = ticket(sandboxId, command, cols, rows);
        Terminal terminal = new Terminal(output);
        try {
            terminal.socket = http.webSocket(ticket.url(), terminal).get(http.timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new SandboxConnectionException("the terminal's WebSocket did not open: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SandboxException("interrupted while opening a terminal", e);
        }
        return terminal;
    }

    /** An open terminal: type into it, resize it, wait for its command's exit code; closing hangs it up. */
    public final class Terminal implements WebSocket.Listener, AutoCloseable {
        private final Consumer<byte[]> output;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();
        private final ByteArrayOutputStream binary = new ByteArrayOutputStream();
        private final StringBuilder text = new StringBuilder();
        private WebSocket socket;

        private Terminal(Consumer<byte[]> output) {
            this.output = output;
        }

        /** Types text (as UTF-8). */
        public void write(String keys) {
            write(keys.getBytes(StandardCharsets.UTF_8));
        }

        /** Types bytes, as a terminal's keyboard sends them. */
        public void write(byte[] keys) {
            join(socket.sendBinary(ByteBuffer.wrap(keys), true));
        }

        /** Resizes it (1 to 1000 each). */
        public void resize(int cols, int rows) {
            try {
                join(socket.sendText(http.json.writeValueAsString(Map.of("type", "resize", "cols", cols, "rows", rows)), true));
            } catch (IOException e) {
                throw new SandboxException("a resize this client cannot write", e);
            }
        }

        /** Its command's exit code, once it has ended; fails if the terminal is lost first. */
        public CompletableFuture<Integer> exit() {
            return exit;
        }

        /** Hangs up: its command gets SIGHUP. */
        @Override
        public void close() {
            if (!socket.isOutputClosed()) {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "");
            }
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            byte[] bytes = new byte[data.remaining()];
            data.get(bytes);
            binary.writeBytes(bytes);
            if (last) {
                output.accept(binary.toByteArray());
                binary.reset();
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode message = http.json.readTree(text.toString());
                    if ("exit".equals(message.path("type").asText())) {
                        exit.complete(message.path("exit_code").asInt());
                    } else if ("error".equals(message.path("type").asText())) {
                        exit.completeExceptionally(new SandboxException("terminal: " + message.path("message").asText()));
                    }
                } catch (IOException e) {
                    exit.completeExceptionally(new SandboxException("a terminal message this client cannot read", e));
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            exit.completeExceptionally(new SandboxConnectionException("the terminal closed before its command ended ("
                    + statusCode + (reason.isEmpty() ? "" : " " + reason) + ")", null));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            exit.completeExceptionally(new SandboxConnectionException("the terminal was lost: " + error.getMessage(), error));
        }

        private void join(CompletableFuture<WebSocket> sent) {
            try {
                sent.get(http.timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException | TimeoutException e) {
                throw new SandboxConnectionException("the terminal did not take it: " + e.getMessage(), e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new SandboxException("interrupted while writing to a terminal", e);
            }
        }
    }
}
