package com.stateset.sandbox.testing;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real S3-compatible server for tests: S3Proxy on a local directory, checking AWS V2 and V4
 * signatures (presigned URLs included) with {@link #ACCESS_KEY} and {@link #SECRET_KEY}, listening on
 * 127.0.0.1 only. It runs in a JVM of its own, so its Jetty and jclouds never meet the test's class
 * path, and it can be stopped to simulate an outage and started again on the same port with the
 * same objects.
 *
 * <p>A module whose tests use it copies S3Proxy's self-contained jar to {@code target/s3proxy.jar}
 * (where it is looked for unless the system property {@value #JAR_PROPERTY} names another file):
 *
 * <pre>{@code
 * <dependency>
 *   <groupId>com.stateset.sandbox</groupId>
 *   <artifactId>sandbox-testing</artifactId>
 *   <scope>test</scope>
 * </dependency>
 * ...
 * <plugin>
 *   <groupId>org.apache.maven.plugins</groupId>
 *   <artifactId>maven-dependency-plugin</artifactId>
 *   <executions>
 *     <execution>
 *       <id>s3proxy</id>
 *       <phase>generate-test-resources</phase>
 *       <goals><goal>copy</goal></goals>
 *       <configuration>
 *         <artifactItems>
 *           <artifactItem>
 *             <groupId>org.gaul</groupId>
 *             <artifactId>s3proxy</artifactId>
 *             <version>${s3proxy.version}</version>
 *             <classifier>jar-with-dependencies</classifier>
 *             <destFileName>s3proxy.jar</destFileName>
 *           </artifactItem>
 *         </artifactItems>
 *         <outputDirectory>${project.build.directory}</outputDirectory>
 *       </configuration>
 *     </execution>
 *   </executions>
 * </plugin>
 * }</pre>
 *
 * and then, in a test:
 *
 * <pre>{@code
 * S3TestServer s3 = S3TestServer.start(tempDir);   // a free port
 * s3.createBucket("checkpoints");
 * URI endpoint = s3.endpoint();                    // http://127.0.0.1:<port>, path-style
 * s3.stop();                                       // the store is now unreachable
 * s3.restart();                                    // same port, same objects
 * s3.close();
 * }</pre>
 */
public final class S3TestServer implements AutoCloseable {

    public static final String ACCESS_KEY = "sandbox-test-access";
    public static final String SECRET_KEY = "sandbox-test-secret";
    public static final String JAR_PROPERTY = "sandbox.s3proxy.jar";

    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private final Path jar;
    private final Path blobs;
    private final Path properties;
    private final Path log;
    private final int port;
    private volatile Process process;

    private S3TestServer(Path jar, Path directory, int port) throws IOException {
        this.jar = jar;
        this.port = port;
        Path root = directory.toAbsolutePath();
        this.blobs = Files.createDirectories(root.resolve("blobs"));
        this.properties = root.resolve("s3proxy.properties");
        this.log = root.resolve("s3proxy.log");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=" + endpoint(),
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + blobs,
                // Required by S3Proxy for every backend; the filesystem ignores them.
                "jclouds.identity=local",
                "jclouds.credential=local",
                ""), StandardCharsets.UTF_8);
        // A test JVM that ends without stopping the server must not leave it running.
        Runtime.getRuntime().addShutdownHook(new Thread(this::kill, "s3-test-server-stop"));
    }

    /** Starts a server on a free port, keeping its objects and log under {@code directory}. */
    public static S3TestServer start(Path directory) {
        return start(directory, freePort());
    }

    /** Starts a server on {@code port}; a directory used before brings back its buckets and objects. */
    public static S3TestServer start(Path directory, int port) {
        requireNonNull(directory, "directory is null");
        try {
            S3TestServer server = new S3TestServer(jar(), directory, port);
            server.launch();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code http://127.0.0.1:<port>}; buckets are addressed path-style. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /**
     * Creates a bucket, running or not. S3Proxy's filesystem store keeps a bucket as a directory and
     * reads its access from the file mode: a directory others cannot read is a private bucket, which
     * answers only signed requests, as on S3 (objects stored through S3 are private already).
     */
    public void createBucket(String name) {
        try {
            Files.createDirectories(blobs.resolve(name), PosixFilePermissions.asFileAttribute(
                    PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The directory holding the buckets, one subdirectory each, for tests that check what is stored. */
    public Path blobDirectory() {
        return blobs;
    }

    /** Stops the server at once, as a crash would; the port refuses connections until {@link #restart}. */
    public synchronized void stop() {
        kill();
        process = null;
    }

    /** Starts the server again (stopping it first if it runs) on the same port with the same objects. */
    public synchronized void restart() {
        stop();
        launch();
    }

    @Override
    public void close() {
        stop();
    }

    private synchronized void launch() {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder builder = new ProcessBuilder(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
                "-XX:TieredStopAtLevel=1", "-jar", jar.toString(), "--properties", properties.toString()))
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        try {
            process = builder.start();
            awaitReady();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + java, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new IllegalStateException("interrupted while S3Proxy started", e);
        }
    }

    /** Waits until the server answers HTTP; any answer will do, since requests there are unsigned. */
    private void awaitReady() throws InterruptedException {
        Instant deadline = Instant.now().plus(START_TIMEOUT);
        HttpRequest probe = HttpRequest.newBuilder(endpoint()).timeout(Duration.ofSeconds(1)).GET().build();
        while (Instant.now().isBefore(deadline)) {
            if (!process.isAlive()) {
                throw new IllegalStateException("S3Proxy exited with status " + process.exitValue() + ":\n" + logTail());
            }
            try {
                HTTP.send(probe, HttpResponse.BodyHandlers.discarding());
                return;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        stop();
        throw new IllegalStateException("S3Proxy did not answer on " + endpoint() + " within " + START_TIMEOUT
                + ":\n" + logTail());
    }

    /** Unsynchronized, so that the shutdown hook never waits for a start in progress. */
    private void kill() {
        Process running = process;
        if (running == null) {
            return;
        }
        running.destroyForcibly();
        try {
            if (!running.waitFor(30, TimeUnit.SECONDS)) {
                throw new IllegalStateException("S3Proxy (pid " + running.pid() + ") did not stop");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The end of S3Proxy's log, for a failure that happens where its directory is soon deleted. */
    private String logTail() {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + log + ": " + e.getMessage() + ")";
        }
    }

    private static Path jar() {
        Path jar = Path.of(System.getProperty(JAR_PROPERTY, "target/s3proxy.jar")).toAbsolutePath();
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("no S3Proxy jar at " + jar + ": build this module with Maven (which copies"
                    + " it there; see S3TestServer's javadoc) or set -D" + JAR_PROPERTY);
        }
        return jar;
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
