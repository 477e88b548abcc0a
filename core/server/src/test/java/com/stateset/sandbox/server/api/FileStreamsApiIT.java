package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.SseStream;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Files as raw byte streams in and out of a real sandbox. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class FileStreamsApiIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ApiClient api;
    private static String key;
    private static String sandbox;

    @BeforeAll
    static void registerAndCreate() {
        api = new ApiClient(APP.getLocalPort());
        key = api.register("Streams Org");
        sandbox = api.post("/api/v1/sandbox/create", Map.of("template", "python-basic"), "X-API-Key", key).text("/id");
    }

    @AfterAll
    static void cleanUp() {
        api.post("/api/v1/sandbox/" + sandbox + "/stop", "", "X-API-Key", key);
    }

    private static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + APP.getLocalPort() + "/api/v1/sandbox/" + sandbox + path);
    }

    private static HttpResponse<String> put(String path, byte[] body) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri("/files/raw?path=" + path)).header("X-API-Key", key)
                .header("Content-Type", "application/octet-stream").PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<InputStream> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(uri(path)).header("X-API-Key", key).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
    }

    @Test
    void aFileGoesInAndOutAsItsBytes() throws Exception {
        byte[] data = new byte[40 << 20];
        new Random(7).nextBytes(data);
        HttpResponse<String> written = put("data/blob.bin", data);
        assertThat(written.statusCode()).as(written.body()).isEqualTo(200);
        assertThat(written.body()).contains("\"path\":\"/workspace/data/blob.bin\"").contains("\"size\":" + data.length);
        Reply seen = api.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command",
                "stat -c '%u %s' /workspace/data/blob.bin; sha256sum < /workspace/data/blob.bin | cut -d' ' -f1"), "X-API-Key", key);
        assertThat(seen.text("/stdout")).isEqualTo("1000 " + data.length + "\n" + sha256(data) + "\n");

        HttpResponse<InputStream> read = get("/files/raw?path=/workspace/data/blob.bin");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Content-Type")).hasValue("application/octet-stream");
        assertThat(read.headers().firstValueAsLong("Content-Length")).hasValue(data.length);
        try (InputStream in = read.body()) {
            assertThat(sha256(in.readAllBytes())).isEqualTo(sha256(data));
        }
        assertThat(put("data/blob.bin", "replaced".getBytes()).statusCode()).isEqualTo(200);
        try (InputStream in = get("/files/raw?path=data/blob.bin").body()) {
            assertThat(new String(in.readAllBytes())).isEqualTo("replaced");
        }
    }

    @Test
    void aDirectoryComesOutAsATar() throws Exception {
        api.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command",
                "mkdir -p /workspace/tree/sub && echo one > /workspace/tree/a.txt && echo two > /workspace/tree/sub/b.txt"), "X-API-Key", key);
        HttpResponse<InputStream> read = get("/files/archive?path=tree");
        assertThat(read.statusCode()).isEqualTo(200);
        assertThat(read.headers().firstValue("Content-Type")).hasValue("application/x-tar");
        Map<String, String> files = new HashMap<>();
        try (TarArchiveInputStream tar = new TarArchiveInputStream(read.body())) {
            for (TarArchiveEntry entry; (entry = tar.getNextEntry()) != null; ) {
                if (entry.isFile()) {
                    files.put(entry.getName(), new String(tar.readAllBytes()));
                }
            }
        }
        assertThat(files).containsOnly(Map.entry("tree/a.txt", "one\n"), Map.entry("tree/sub/b.txt", "two\n"));
    }

    @Test
    void badPathsAndBodiesAreRefusedNamingTheField() throws Exception {
        assertThat(put("/etc/evil", new byte[1]).body()).contains("\"field\":\"path\"");
        assertThat(put("/etc/evil", new byte[1]).statusCode()).isEqualTo(400);
        assertThat(put("../escape", new byte[1]).statusCode()).isEqualTo(400);
        assertThat(get("/files/raw?path=/workspace/nothing-here").statusCode()).isEqualTo(404);
        assertThat(get("/files/raw?path=/workspace").statusCode()).as("a writable area itself is no file").isEqualTo(400);
        api.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", "mkdir -p /workspace/dir; ln -sfn /etc /workspace/etc-link"),
                "X-API-Key", key);
        assertThat(get("/files/raw?path=dir").statusCode()).isEqualTo(400);
        assertThat(put("etc-link/evil", new byte[1]).statusCode()).as("through a link out of the writable areas").isIn(400, 403);
        assertThat(HTTP.send(HttpRequest.newBuilder(uri("/files/raw?path=x")).PUT(HttpRequest.BodyPublishers.ofString("x")).build(),
                HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(401);
        HttpResponse<String> chunked = HTTP.send(HttpRequest.newBuilder(uri("/files/raw?path=chunked")).header("X-API-Key", key)
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(new byte[10]))).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(chunked.statusCode()).isEqualTo(400);
        assertThat(chunked.body()).contains("\"field\":\"Content-Length\"");
        assertField(api.get("/api/v1/sandbox/" + sandbox + "/files/archive?path=/etc", "X-API-Key", key), 400, "path");

        // A body that ends before its Content-Length: 400 naming it, and no file left behind.
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", APP.getLocalPort())) {
            socket.getOutputStream().write(("PUT /api/v1/sandbox/" + sandbox + "/files/raw?path=short.bin HTTP/1.1\r\nHost: localhost\r\n"
                    + "X-API-Key: " + key + "\r\nContent-Type: application/octet-stream\r\nContent-Length: 100000\r\n\r\n"
                    + "only this much").getBytes(java.nio.charset.StandardCharsets.UTF_8));
            socket.shutdownOutput();
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 400").contains("\"field\":\"Content-Length\"");
        }
        assertThat(api.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", "ls /workspace/short.bin 2>&1"),
                "X-API-Key", key).text("/stdout")).contains("No such file");
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    @Test
    void aDirectoryIsWatchedForChangesAsServerSentEvents() throws Exception {
        api.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", "mkdir -p /workspace/watched/sub"), "X-API-Key", key);
        String base = "/api/v1/sandbox/" + sandbox + "/files/watch";
        try (SseStream changes = new SseStream(APP.getLocalPort(), key, base + "?path=watched&recursive=true", null)) {
            assertThat(changes.status()).isEqualTo(200);
            assertThat(put("watched/sub/new.txt", "hello".getBytes(StandardCharsets.UTF_8)).statusCode()).isEqualTo(200);
            api.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", "rm /workspace/watched/sub/new.txt"), "X-API-Key", key);
            List<SseStream.Event> seen = changes.until(events -> events.get(events.size() - 1).data().get("type").asText().equals("deleted"));
            assertThat(seen).extracting(e -> e.data().get("type").asText() + " " + e.data().get("path").asText())
                    .contains("created /workspace/watched/sub/new.txt", "deleted /workspace/watched/sub/new.txt");
            assertThat(seen.get(0).data().get("is_dir").asBoolean()).isFalse();

            // The directory itself deleted: the stream says so and ends.
            api.post("/api/v1/sandbox/" + sandbox + "/execute", Map.of("command", "rm -r /workspace/watched"), "X-API-Key", key);
            SseStream.Event last = changes.until(events -> events.get(events.size() - 1).data().get("type").asText().equals("error"))
                    .getLast();
            assertThat(last.data().get("error").asText()).contains("deleted");
        }
        assertField(api.get(base + "?path=/etc", "X-API-Key", key), 400, "path");
        assertField(api.get(base + "?path=../x", "X-API-Key", key), 400, "path");
        assertField(api.get(base + "?recursive=maybe", "X-API-Key", key), 400, "recursive");
        assertThat(api.get(base + "?path=/workspace/nowhere", "X-API-Key", key).errorCode()).isEqualTo("FILE_NOT_FOUND");
        put("plain.txt", new byte[1]);
        assertField(api.get(base + "?path=plain.txt", "X-API-Key", key), 409, "path"); // a file is no directory to watch
    }
}
