package com.stateset.sandbox.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The server as an operator runs it: {@code bin/sandbox server config/sandbox.yml} from the
 * unpacked distribution, on free ports and a fresh data directory (H2, local disk, local Docker),
 * with settings overridden through {@code -Ddw.} system properties.
 */
final class ServerProcess implements AutoCloseable {

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final int port;
    final int adminPort;
    private final Process process;
    private final Path log;

    private ServerProcess(Process process, int port, int adminPort, Path log) {
        this.process = process;
        this.port = port;
        this.adminPort = adminPort;
        this.log = log;
    }

    static ServerProcess start(Path home, Path data, Map<String, String> settings) throws IOException, InterruptedException {
        int port = freePort();
        int adminPort = freePort();
        List<String> javaOptions = new ArrayList<>();
        settings.forEach((key, value) -> javaOptions.add("-Ddw." + key + "=" + value));
        Path log = data.resolve("server.log");
        Files.createDirectories(data);
        ProcessBuilder builder = new ProcessBuilder(home.resolve("bin/sandbox").toString(), "server",
                home.resolve("config/sandbox.yml").toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().put("SANDBOX_PORT", Integer.toString(port));
        builder.environment().put("SANDBOX_ADMIN_PORT", Integer.toString(adminPort));
        builder.environment().put("SANDBOX_DATA_DIR", data.toString());
        builder.environment().put("JAVA_OPTS", String.join(" ", javaOptions));
        ServerProcess server = new ServerProcess(builder.start(), port, adminPort, log);
        server.awaitUp();
        return server;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    String adminUrl(String path) {
        return "http://127.0.0.1:" + adminPort + path;
    }

    /** Resident memory of the server's JVM (bin/sandbox execs java, so this is its pid). */
    long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for pid " + process.pid());
    }

    /** Heap in use after a full collection (Dropwizard's gc task on the admin port): the live heap. */
    long liveHeapBytes() throws IOException, InterruptedException {
        HTTP.send(HttpRequest.newBuilder(URI.create(adminUrl("/tasks/gc"))).POST(HttpRequest.BodyPublishers.noBody()).build(),
                HttpResponse.BodyHandlers.discarding());
        return (long) metric("jvm_memory_used_bytes{area=\"heap\"}");
    }

    /** One sample of the admin port's Prometheus scrape. */
    double metric(String sample) throws IOException, InterruptedException {
        String text = HTTP.send(HttpRequest.newBuilder(URI.create(adminUrl("/metrics"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        for (String line : text.split("\n")) {
            if (line.startsWith(sample + " ")) {
                return Double.parseDouble(line.substring(sample.length() + 1).strip());
            }
        }
        throw new IOException("no sample " + sample + " in the server's metrics");
    }

    private void awaitUp() throws IOException, InterruptedException {
        Instant deadline = Instant.now().plusSeconds(120);
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IOException("the server exited with " + process.exitValue() + "; its log: " + log);
            }
            try {
                if (HTTP.send(HttpRequest.newBuilder(URI.create(url("/health"))).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IOException("the server did not answer /health within 120 s; its log: " + log);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
    }
}
