package com.stateset.sandbox.distribution;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/** The server as an operator runs it: {@code bin/sandbox server} from the unpacked distribution, in its own process. */
final class ServerProcess implements AutoCloseable {

    static final Path HOME = Path.of(System.getProperty("sandbox.home", "target/sandbox"));

    private final Process process;
    private final Path log;
    final int port;

    private ServerProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts the server on free ports with its data under {@code dataDir}; extra {@code -D} options may override more. */
    static ServerProcess start(Path dataDir, Map<String, String> env, String... javaOptions) {
        return start(null, dataDir, env, javaOptions);
    }

    /** {@link #start(Path, Map, String...)} with another configuration file than the default. */
    static ServerProcess start(Path config, Path dataDir, Map<String, String> env, String... javaOptions) {
        return start(config, freePort(), dataDir, env, javaOptions);
    }

    /** {@link #start(Path, Map, String...)} on a given port: a server started again where its clients are. */
    static ServerProcess startOn(int port, Path dataDir, Map<String, String> env, String... javaOptions) {
        return start(null, port, dataDir, env, javaOptions);
    }

    private static ServerProcess start(Path config, int port, Path dataDir, Map<String, String> env, String... javaOptions) {
        List<String> options = new ArrayList<>(List.of(
                "-Ddw.server.applicationConnectors[0].port=" + port,
                "-Ddw.server.adminConnectors[0].port=" + freePort()));
        options.addAll(List.of(javaOptions));
        try {
            Files.createDirectories(dataDir);
            Path log = Files.createTempFile("sandbox-server", ".log");
            List<String> command = new ArrayList<>(List.of(HOME.resolve("bin/sandbox").toString(), "server"));
            if (config != null) {
                command.add(config.toString());
            }
            ProcessBuilder builder = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            builder.environment().put("JAVA_OPTS", String.join(" ", options));
            builder.environment().put("SANDBOX_DATA_DIR", dataDir.toString());
            builder.environment().putAll(env);
            return new ServerProcess(builder.start(), log, port);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Waits until {@code /health} answers (any status). */
    ServerProcess awaitUp() {
        HttpClient http = HttpClient.newHttpClient();
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).until(() -> {
            if (!process.isAlive()) {
                throw new IllegalStateException("server exited:\n" + output());
            }
            try {
                http.send(HttpRequest.newBuilder(URI.create(url("/health"))).build(), HttpResponse.BodyHandlers.discarding());
                return true;
            } catch (IOException notYet) {
                return false;
            }
        });
        return this;
    }

    /**
     * Sends {@code count} creates at once and SIGKILLs the server as soon as one has been answered,
     * with others still in flight; answers the ids of the answered ones.
     */
    Set<String> killDuringCreates(String key, Map<String, Object> body, int count) throws InterruptedException {
        Set<String> answered = ConcurrentHashMap.newKeySet();
        List<Thread> clients = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            clients.add(Thread.ofVirtual().start(() -> {
                try {
                    Http.Reply reply = Http.post(url("/api/v1/sandbox/create"), key, body);
                    if (reply.status() == 200) {
                        answered.add(reply.body().get("id").asText());
                    }
                } catch (RuntimeException connectionCut) {
                    // the server died under this request
                }
            }));
        }
        while (answered.isEmpty()) {
            Thread.sleep(10);
        }
        kill();
        for (Thread client : clients) {
            client.join();
        }
        return answered;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    /** Waits for the process to exit by itself and answers its exit code. */
    int awaitExit(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("server did not exit:\n" + output());
        }
        return process.exitValue();
    }

    /** SIGKILL: no shutdown hook, no cleanup. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor(30, TimeUnit.SECONDS);
    }

    String output() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
    }

    /** What a {@code bin/sandbox} command other than the server printed and how it exited. */
    record Finished(int exitCode, String output) {
    }

    /** Runs {@code bin/sandbox <args>} on the default configuration with its data under {@code dataDir}. */
    static Finished command(Path dataDir, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(HOME.resolve("bin/sandbox").toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().put("SANDBOX_DATA_DIR", dataDir.toString());
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
        }
        return new Finished(process.exitValue(), output);
    }

    static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
