package com.stateset.sandbox.storage.gcs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * fake-gcs-server (an HTTP emulator of Cloud Storage's JSON and XML APIs) as a child process on a
 * free loopback port, keeping objects in memory. Found as {@code $FAKE_GCS_SERVER}, on the
 * {@code PATH} or in {@code ~/go/bin}; {@code scripts/install-fake-gcs-server} installs it.
 */
final class FakeGcsServer implements AutoCloseable {

    private static final Duration START_TIMEOUT = Duration.ofSeconds(20);

    private final Process process;
    private final String url;

    private FakeGcsServer(Process process, String url) {
        this.process = process;
        this.url = url;
    }

    static Optional<Path> binary() {
        String configured = System.getenv("FAKE_GCS_SERVER");
        if (configured != null && !configured.isBlank()) {
            return Optional.of(Path.of(configured)).filter(Files::isExecutable);
        }
        Stream<String> path = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"));
        return Stream.concat(path, Stream.of(System.getProperty("user.home") + "/go/bin"))
                .filter(dir -> !dir.isEmpty())
                .map(dir -> Path.of(dir, "fake-gcs-server"))
                .filter(Files::isExecutable)
                .findFirst();
    }

    /** Starts the emulator, its output going to {@code fake-gcs-server.log} in {@code workDirectory}. */
    static FakeGcsServer start(Path binary, Path workDirectory) throws IOException, InterruptedException {
        int port = freePort();
        String url = "http://127.0.0.1:" + port;
        Path log = workDirectory.resolve("fake-gcs-server.log");
        Process process = new ProcessBuilder(binary.toString(),
                "-scheme", "http", "-host", "127.0.0.1", "-port", String.valueOf(port),
                "-public-host", "127.0.0.1:" + port, "-external-url", url,
                "-backend", "memory", "-data", workDirectory.resolve("no-initial-data").toString(),
                "-log-level", "warn")
                .directory(workDirectory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        FakeGcsServer server = new FakeGcsServer(process, url);
        try {
            server.awaitReady(log);
            return server;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** The base URL, such as {@code http://127.0.0.1:40123}. */
    String url() {
        return url;
    }

    /** A loopback port nothing listens on (at the time of the call). */
    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void awaitReady(Path log) throws IOException, InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest buckets = HttpRequest.newBuilder(URI.create(url + "/storage/v1/b")).timeout(Duration.ofSeconds(2))
                .build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("fake-gcs-server exited with " + process.exitValue() + ":\n"
                        + Files.readString(log));
            }
            try {
                if (http.send(buckets, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("fake-gcs-server did not answer on " + url + " within " + START_TIMEOUT
                + ":\n" + Files.readString(log));
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
