package com.stateset.sandbox.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's HTTP rules against a real HTTP server of the JDK's that answers what each test
 * queues: for what the sandbox server cannot be made to answer on demand (a proxy's HTML page, a
 * 503 that heals). The live suite (JavaSdkIT) calls the real server.
 */
class TransportTest {

    private final Deque<Object[]> answers = new ArrayDeque<>();
    private final List<Map<String, String>> requests = new ArrayList<>();
    private HttpServer server;

    private SandboxClient client(int retries) throws IOException {
        return SandboxClient.builder().baseUrl("http://127.0.0.1:" + start()).apiKey("sk-sandbox-test").maxRetries(retries).build();
    }

    /** Starts the server; answers its port. */
    private int start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            requests.add(Map.of("line", exchange.getRequestMethod() + " " + exchange.getRequestURI(),
                    "authorization", String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")),
                    "key", String.valueOf(exchange.getRequestHeaders().getFirst("Idempotency-Key")),
                    "body", new String(body, StandardCharsets.UTF_8)));
            Object[] answer = answers.isEmpty() ? new Object[] {500, "{}", Map.of()} : answers.poll();
            @SuppressWarnings("unchecked")
            Map<String, String> headers = (Map<String, String>) answer[2];
            headers.forEach((name, value) -> exchange.getResponseHeaders().add(name, value));
            exchange.getResponseHeaders().putIfAbsent("Content-Type", List.of("application/json"));
            byte[] bytes = ((String) answer[1]).getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders((int) answer[0], bytes.length);
            exchange.getResponseBody().write(bytes);
            exchange.close();
        });
        server.start();
        return server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private static String error(String code, String field) {
        return "{\"error\":{\"code\":\"" + code + "\",\"message\":\"m\",\"request_id\":\"req_1\",\"details\":{\"field\":\"" + field + "\"}}}";
    }

    @Test
    void eachStatusIsItsExceptionWithCodeFieldAndRequestId() throws IOException {
        SandboxClient client = client(0);
        answers.add(new Object[] {400, error("VALIDATION_ERROR", "cpus"), Map.of()});
        answers.add(new Object[] {404, error("SANDBOX_NOT_FOUND", "id"), Map.of()});
        answers.add(new Object[] {429, error("QUOTA_EXCEEDED", "plan"), Map.of()});
        answers.add(new Object[] {502, "<html>bad gateway</html>", Map.of("Content-Type", "text/html", "X-Request-Id", "req_proxy")});
        assertThatThrownBy(() -> client.sandboxes().get("sbx_1")).isInstanceOfSatisfying(SandboxApiException.ValidationException.class,
                e -> {
                    assertThat(e.field()).contains("cpus");
                    assertThat(e.requestId()).isEqualTo("req_1");
                    assertThat(e.status()).isEqualTo(400);
                });
        assertThatThrownBy(() -> client.sandboxes().get("sbx_1")).isInstanceOf(SandboxApiException.NotFoundException.class)
                .hasMessageContaining("SANDBOX_NOT_FOUND");
        assertThatThrownBy(() -> client.sandboxes().get("sbx_1")).as("a quota is not a rate limit")
                .isInstanceOf(SandboxApiException.QuotaExceededException.class);
        assertThatThrownBy(() -> client.sandboxes().get("sbx_1")).isInstanceOfSatisfying(SandboxApiException.ServerException.class, e -> {
            assertThat(e.code()).isEqualTo("HTTP_502");
            assertThat(e.requestId()).isEqualTo("req_proxy");
            assertThat(e.getMessage()).contains("bad gateway");
        });
    }

    @Test
    void a503IsRetriedForAGetAndForAPostUnderTheSameKey() throws IOException {
        SandboxClient client = client(3);
        answers.add(new Object[] {503, error("RUNTIME_UNAVAILABLE", "x"), Map.of("Retry-After", "0")});
        answers.add(new Object[] {200, "{\"id\":\"sbx_1\",\"sandbox_id\":\"sbx_1\",\"network\":false,\"newer_field\":1}", Map.of()});
        answers.add(new Object[] {503, error("RUNTIME_UNAVAILABLE", "x"), Map.of("Retry-After", "0")});
        answers.add(new Object[] {200, "{\"exit_code\":0,\"stdout\":\"ok\"}", Map.of()});
        assertThat(client.sandboxes().get("sbx_1").sandboxId()).isEqualTo("sbx_1");
        assertThat(client.sandboxes().execute("sbx_1", "true").stdout()).isEqualTo("ok");
        assertThat(requests).extracting(r -> r.get("line")).containsExactly("GET /api/v1/sandbox/sbx_1", "GET /api/v1/sandbox/sbx_1",
                "POST /api/v1/sandbox/sbx_1/execute", "POST /api/v1/sandbox/sbx_1/execute");
        assertThat(requests.get(0).get("authorization")).isEqualTo("ApiKey sk-sandbox-test");
        assertThat(requests.get(2).get("key")).isNotEqualTo("null").isEqualTo(requests.get(3).get("key"));
        assertThat(requests.get(2).get("body")).isEqualTo("{\"command\":\"true\",\"stream\":false}");
    }

    @Test
    void aPostWithoutAKeyIsNotRetriedAndIdsAreEncoded() throws IOException {
        SandboxClient keyless = SandboxClient.builder().baseUrl("http://127.0.0.1:" + start() + "/api/v1/")
                .bearerToken("eyJ.e30.sig").idempotencyKeys(false).build();
        answers.add(new Object[] {503, error("RUNTIME_UNAVAILABLE", "x"), Map.of("Retry-After", "0")});
        assertThatThrownBy(() -> keyless.sandboxes().stop("a/b?c")).isInstanceOf(SandboxApiException.ServerException.class);
        assertThat(requests).extracting(r -> r.get("line")).containsExactly("POST /api/v1/sandbox/a%2Fb%3Fc/stop");
        assertThat(requests.get(0).get("authorization")).isEqualTo("Bearer eyJ.e30.sig");
    }

    @Test
    void eventsAreReadAsTheStandardSays() {
        String stream = "retry: 3000\n: connected\n\nid: 7\nevent: sandbox.re\r\ndata: {\"a\":\r\ndata: 1}\r\r\ndata: plain\n\ndata: cut";
        List<ServerSentEvents.Event> events = new ArrayList<>();
        new ServerSentEvents(new java.io.ByteArrayInputStream(stream.getBytes(StandardCharsets.UTF_8))).forEachRemaining(events::add);
        assertThat(events).containsExactly(new ServerSentEvents.Event("7", "sandbox.re", "{\"a\":\n1}"),
                new ServerSentEvents.Event("7", "message", "plain"));
    }
}
