package com.stateset.sandbox.server.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** One organization's API key against a test server, with the calls API tests make again and again. */
public final class Session {

    private final ApiClient api;
    private final String key;

    private Session(ApiClient api, String key) {
        this.api = api;
        this.key = key;
    }

    /** Registers a new organization on the server listening on {@code port}. */
    public static Session register(int port, String organization) {
        ApiClient api = new ApiClient(port);
        return new Session(api, api.register(organization));
    }

    public ApiClient api() {
        return api;
    }

    public String key() {
        return key;
    }

    public Reply post(String path, Object body) {
        return api.post(path, body, "X-API-Key", key);
    }

    public Reply get(String path) {
        return api.get(path, "X-API-Key", key);
    }

    public Reply delete(String path) {
        return api.delete(path, "X-API-Key", key);
    }

    /** Creates a running sandbox and returns its id. */
    public String sandbox(Map<String, Object> body) {
        Reply reply = post("/api/v1/sandbox/create", body);
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.text("/id");
    }

    /** Runs a shell script in the sandbox and returns its stdout. */
    public String sh(String sandbox, String script) {
        Reply reply = post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", script));
        assertThat(reply.status()).as(reply.raw()).isEqualTo(200);
        return reply.text("/stdout");
    }

    /** Stops every running sandbox of the organization. */
    public void stopAll() {
        for (JsonNode s : get("/api/v1/sandboxes?status=running").body().get("sandboxes")) {
            post("/api/v1/sandbox/" + s.get("id").asText() + "/stop", "");
        }
    }

    public static Path tempDirectory(String prefix) {
        try {
            return Files.createTempDirectory(prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
