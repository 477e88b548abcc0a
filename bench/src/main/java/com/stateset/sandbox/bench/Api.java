package com.stateset.sandbox.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/** The server's HTTP API, as a client on loopback uses it, with one organization's key. */
final class Api {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final ServerProcess server;
    final String key;
    private final Set<String> live = ConcurrentHashMap.newKeySet();

    private Api(ServerProcess server, String key) {
        this.server = server;
        this.key = key;
    }

    static Api register(ServerProcess server, String organization) throws IOException, InterruptedException {
        Api anonymous = new Api(server, null);
        JsonNode answer = anonymous.call("POST", "/api/v1/register",
                Map.of("email", organization.toLowerCase(java.util.Locale.ROOT).replace(' ', '-') + "@bench.example.com",
                        "organization_name", organization));
        return new Api(server, answer.at("/api_key/key").asText());
    }

    /** A python-basic sandbox of the template's own shape, living an hour; its id once running. */
    String create() throws IOException, InterruptedException {
        String id = call("POST", "/api/v1/sandbox/create", Map.of("template", "python-basic", "timeout_seconds", 3600))
                .get("id").asText();
        live.add(id);
        return id;
    }

    String exec(String sandbox, String command) throws IOException, InterruptedException {
        JsonNode answer = call("POST", "/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", command));
        if (answer.get("exit_code").asInt() != 0) {
            throw new IOException("command failed: " + answer);
        }
        return answer.get("stdout").asText();
    }

    /** Nanoseconds from sending a streamed command to receiving its first output event; the rest is read to the end. */
    long streamFirstOutputNanos(String sandbox, String command) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = http.send(request("POST", "/api/v1/sandbox/" + sandbox + "/execute",
                Map.of("command", command, "stream", true)), HttpResponse.BodyHandlers.ofInputStream());
        long first = -1;
        try (BufferedReader events = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
            for (String line; (line = events.readLine()) != null; ) {
                if (first < 0 && line.startsWith("data:") && line.contains("\"stdout\"")) {
                    first = System.nanoTime() - start;
                }
            }
        }
        if (response.statusCode() != 200 || first < 0) {
            throw new IOException("the stream answered " + response.statusCode() + " without output");
        }
        return first;
    }

    void writeFile(String sandbox, String path, byte[] content) throws IOException, InterruptedException {
        call("POST", "/api/v1/sandbox/" + sandbox + "/files",
                Map.of("files", List.of(Map.of("path", path, "content", Base64.getEncoder().encodeToString(content)))));
    }

    byte[] readFile(String sandbox, String path) throws IOException, InterruptedException {
        return Base64.getDecoder().decode(call("GET", "/api/v1/sandbox/" + sandbox + "/files?path="
                + URLEncoder.encode(path, StandardCharsets.UTF_8), null).get("content").asText());
    }

    void stop(String sandbox) throws IOException, InterruptedException {
        call("POST", "/api/v1/sandbox/" + sandbox + "/stop", Map.of());
        live.remove(sandbox);
    }

    /** Stops every sandbox this client created and has not stopped: a stopped server leaves them running. */
    void stopAll() throws IOException, InterruptedException {
        for (String sandbox : List.copyOf(live)) {
            stop(sandbox);
        }
    }

    String statusUrl(String sandbox) {
        return server.url("/api/v1/sandbox/" + sandbox + "/status");
    }

    private JsonNode call(String method, String path, Object body) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request(method, path, body), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != 200) {
            throw new IOException(method + " " + path + " answered " + response.statusCode() + ": "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        return JSON.readTree(response.body());
    }

    private HttpRequest request(String method, String path, Object body) throws IOException {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(server.url(path)))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body)))
                .header("Content-Type", "application/json");
        if (key != null) {
            builder.header("X-API-Key", key);
        }
        return builder.build();
    }
}
