package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Terminals: a ticket, then a real WebSocket to a shell on a terminal in a real sandbox. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class TerminalApiIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create();
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static ApiClient api;
    private static String key;
    private static String sandbox;

    @BeforeAll
    static void registerAndCreate() {
        api = new ApiClient(APP.getLocalPort());
        key = api.register("Terminal Org");
        sandbox = api.post("/api/v1/sandbox/create", Map.of("template", "python-basic", "env", Map.of("GREETING", "hello")),
                "X-API-Key", key).text("/id");
    }

    @AfterAll
    static void cleanUp() {
        api.post("/api/v1/sandbox/" + sandbox + "/stop", "", "X-API-Key", key);
    }

    private static Reply ticket(Map<String, Object> body) {
        return api.post("/api/v1/sandbox/" + sandbox + "/terminal", body, "X-API-Key", key);
    }

    @Test
    void aShellOnATerminalTakesInputResizesAndSaysHowItEnded() throws Exception {
        Reply ticket = ticket(Map.of("cols", 100, "rows", 30));
        assertThat(ticket.status()).as(ticket.raw()).isEqualTo(200);
        assertThat(ticket.text("/ticket")).startsWith("tkt_");
        assertThat(ticket.body().get("expires_in_seconds").asInt()).isEqualTo(30);
        try (Client terminal = Client.connect(ticket.text("/url"))) {
            terminal.type("stty size; echo \"$GREETING from $(id -u) in $(pwd)\"; test -t 1 && echo on-a-tty\r");
            terminal.awaitOutput("hello from 1000 in /workspace");
            assertThat(terminal.output()).contains("30 100").contains("on-a-tty");
            terminal.control(Map.of("type", "resize", "cols", 132, "rows", 50));
            terminal.control(Map.of("type", "input", "data", "stty size\r"));
            terminal.awaitOutput("50 132");
            terminal.control(Map.of("type", "resize", "cols", 0, "rows", 50));
            assertThat(terminal.awaitText().get("type").asText()).isEqualTo("error");
            terminal.type("exit 3\r");
            JsonNode exit = terminal.awaitText();
            assertThat(exit.get("type").asText()).isEqualTo("exit");
            assertThat(exit.get("exit_code").asInt()).isEqualTo(3);
            assertThat(terminal.closed().get(10, TimeUnit.SECONDS)).isEqualTo(1000);
        }
    }

    /** Node.js 20's WebSocket, offered it, loses the connection on Jetty's compressed frames. */
    @Test
    void theHandshakeDeclinesCompression() throws Exception {
        String url = ticket(Map.of("command", List.of("cat"))).text("/url");
        try (java.net.Socket raw = new java.net.Socket("127.0.0.1", APP.getLocalPort())) {
            raw.getOutputStream().write(("GET " + url + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                    + "Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            StringBuilder head = new StringBuilder();
            java.io.InputStream in = raw.getInputStream();
            while (!head.toString().endsWith("\r\n\r\n")) {
                int next = in.read();
                assertThat(next).as("the handshake's answer ended early: %s", head).isNotNegative();
                head.append((char) next);
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 101").doesNotContainIgnoringCase("Sec-WebSocket-Extensions");
        }
    }

    @Test
    void aTicketOpensOneTerminalOnceAndOnlyItsSandboxs() throws Exception {
        String url = ticket(Map.of("command", List.of("cat"))).text("/url");
        try (Client first = Client.connect(url)) {
            first.type("echo\r");
            first.awaitOutput("echo");
            assertThat(refusal(url)).as("used").isEqualTo(401);
        }
        String other = api.post("/api/v1/sandbox/create", Map.of("template", "python-basic"), "X-API-Key", key).text("/id");
        try {
            String forOther = ticket(Map.of()).text("/url").replace(sandbox, other);
            assertThat(refusal(forOther)).as("another sandbox's").isEqualTo(401);
        } finally {
            api.post("/api/v1/sandbox/" + other + "/stop", "", "X-API-Key", key);
        }
        assertThat(refusal("/api/v1/sandbox/" + sandbox + "/terminal/connect?ticket=tkt_forged")).isEqualTo(401);
        assertThat(refusal("/api/v1/sandbox/" + sandbox + "/terminal/connect")).isEqualTo(401);
    }

    @Test
    void aTerminalHungUpEndsItsCommand() throws Exception {
        try (Client terminal = Client.connect(ticket(Map.of("command", "echo ready; sleep 300")).text("/url"))) {
            terminal.awaitOutput("ready");
        }
        Reply left = api.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command",
                "sleep 3; for d in /proc/[0-9]*; do case \"$(tr '\\0' ' ' < $d/cmdline 2>/dev/null)\" in 'sleep 300 ') echo left;; esac; done;"
                        + " echo checked"), "X-API-Key", key);
        assertThat(left.text("/stdout")).isEqualTo("checked\n");
    }

    @Test
    void badTicketRequestsNameTheirField() {
        assertField(ticket(Map.of("cols", 0)), 400, "cols");
        assertField(ticket(Map.of("rows", 1001)), 400, "rows");
        assertField(ticket(Map.of("command", List.of())), 400, "command");
        assertField(ticket(Map.of("working_dir", "relative")), 400, "working_dir");
        assertThat(api.post("/api/v1/sandbox/sbx_nosuch/terminal", Map.of(), "X-API-Key", key).status()).isEqualTo(404);
        assertThat(api.post("/api/v1/sandbox/" + sandbox + "/terminal", Map.of()).status()).isEqualTo(401);
    }

    @Test
    void aCommandThatCannotStartSaysWhy() throws Exception {
        try (Client terminal = Client.connect(ticket(Map.of("command", List.of("no-such-program"))).text("/url"))) {
            JsonNode error = terminal.awaitText();
            assertThat(error.get("type").asText()).isEqualTo("error");
            assertThat(error.get("message").asText()).contains("no-such-program");
        }
    }

    @Test
    void aFloodingTerminalIsSentAsFastAsTheClientReads() throws Exception {
        try (Client terminal = Client.connect(ticket(Map.of("command", "head -c 15000000 /dev/zero | base64; echo done")).text("/url"))) {
            terminal.awaitOutput("done");
            assertThat(terminal.received()).isGreaterThan(20_000_000);
        }
        assertThat(api.get("/health", "X-API-Key", key).status()).isEqualTo(200);
    }

    @Test
    void aClientThatReadsNothingIsDroppedAndItsFloodEnds() throws Exception {
        Client stalled = Client.connect(ticket(Map.of("command", "exec yes flood")).text("/url"), false);
        try {
            stalled.awaitOutput("flood");
            // The server holds at most 1 MiB unsent, waits 30 s for the client, then drops it and
            // hangs the terminal up.
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(api.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command",
                            "for d in /proc/[0-9]*; do case \"$(tr '\\0' ' ' < $d/cmdline 2>/dev/null)\" in 'yes flood ') echo left;;"
                                    + " esac; done; echo checked"), "X-API-Key", key).text("/stdout")).isEqualTo("checked\n"));
        } finally {
            stalled.close();
        }
        assertThat(api.get("/health", "X-API-Key", key).status()).isEqualTo(200);
    }

    /** The HTTP status a WebSocket handshake to {@code path} is refused with. */
    private static int refusal(String path) throws Exception {
        CompletableFuture<WebSocket> opening = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + APP.getLocalPort() + path), new WebSocket.Listener() { });
        assertThatThrownBy(() -> opening.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .hasCauseInstanceOf(WebSocketHandshakeException.class);
        try {
            opening.get();
        } catch (ExecutionException e) {
            return ((WebSocketHandshakeException) e.getCause()).getResponse().statusCode();
        }
        throw new AssertionError("opened");
    }

    /** A terminal client as a browser's would be: binary out and in, JSON text for the rest. */
    private static final class Client implements WebSocket.Listener, AutoCloseable {
        private final ByteArrayOutputStream output = new ByteArrayOutputStream();
        private final LinkedBlockingQueue<JsonNode> texts = new LinkedBlockingQueue<>();
        private final CompletableFuture<Integer> closed = new CompletableFuture<>();
        private final StringBuilder text = new StringBuilder();
        private final boolean read;
        private long received;
        private WebSocket socket;

        Client(boolean read) {
            this.read = read;
        }

        static Client connect(String path) throws Exception {
            return connect(path, true);
        }

        /** A client; one that does not {@code read} takes its first message and no more. */
        static Client connect(String path, boolean read) throws Exception {
            Client client = new Client(read);
            client.socket = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + APP.getLocalPort() + path), client).get(10, TimeUnit.SECONDS);
            return client;
        }

        void type(String keys) {
            socket.sendBinary(ByteBuffer.wrap(keys.getBytes(StandardCharsets.UTF_8)), true).join();
        }

        void control(Map<String, Object> message) throws Exception {
            socket.sendText(MAPPER.writeValueAsString(message), true).join();
        }

        synchronized String output() {
            return output.toString(StandardCharsets.UTF_8);
        }

        synchronized long received() {
            return received;
        }

        void awaitOutput(String expected) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            synchronized (this) {
                while (!output().contains(expected)) {
                    long left = deadline - System.nanoTime();
                    assertThat(left).as("output containing %s, got %s", expected, output()).isPositive();
                    wait(TimeUnit.NANOSECONDS.toMillis(left) + 1);
                }
            }
        }

        JsonNode awaitText() throws InterruptedException {
            JsonNode next = texts.poll(30, TimeUnit.SECONDS);
            assertThat(next).as("a text message").isNotNull();
            return next;
        }

        CompletableFuture<Integer> closed() {
            return closed;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            synchronized (this) {
                received += data.remaining();
                if (output.size() < 1_000_000) {
                    byte[] bytes = new byte[data.remaining()];
                    data.get(bytes);
                    output.writeBytes(bytes);
                } else {
                    // keep the tail, where an answer comes
                    byte[] bytes = new byte[data.remaining()];
                    data.get(bytes);
                    String tail = output().substring(output.size() - 1000) + new String(bytes, StandardCharsets.UTF_8);
                    output.reset();
                    output.writeBytes(tail.getBytes(StandardCharsets.UTF_8));
                }
                notifyAll();
            }
            if (read) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    texts.add(MAPPER.readTree(text.toString()));
                } catch (java.io.IOException e) {
                    throw new AssertionError("not JSON: " + text, e);
                }
                text.setLength(0);
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.completeExceptionally(error);
        }

        @Override
        public void close() {
            if (!socket.isOutputClosed()) {
                // the server may have closed it meanwhile (the client then answers its close itself)
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "done").handle((ws, closedAlready) -> null).join();
            }
        }
    }
}
