package com.stateset.sandbox.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.zerodep.ZerodepDockerHttpClient;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Measures the server against the raw engine, in one run on one machine: the server is the
 * distribution started on H2 and the local Docker engine; the raw engine is docker-java with the
 * server's own container configuration. Each server is warmed up first (its JIT compiles the hot
 * paths: a fresh JVM is several times slower for its first minute), then each comparison alternates
 * ours and raw run by run, after unrecorded warm-up runs, and reports medians, 95th percentiles and
 * the ratio of medians.
 * Writes a JSON result file and prints the tables as Markdown.
 *
 * <p>Options: {@code --home=<unpacked distribution>} (required), {@code --out=<json file>},
 * {@code --runs=30}, {@code --density=10,100,500} (empty to skip), {@code --load-seconds=10},
 * {@code --pool=2}.
 */
public final class Benchmark {

    private static final Logger LOG = LoggerFactory.getLogger(Benchmark.class);
    private static final String ECHO = "echo hi";
    private static final String TICKING = "for i in 1 2; do echo $i; sleep 1; done";
    private static final int FILE_BYTES = 10_000_000;
    private static final long GIGABYTE = 1_000_000_000L;
    /** Twenty lines, each the time it was printed (epoch nanoseconds), 50 ms apart. */
    private static final String STAMPS = "for i in $(seq 1 20); do date +%s%N; sleep 0.05; done";
    private static final int CONCURRENT_EXECS = 200;
    private static final int CONCURRENT_SANDBOXES = 20;
    /** Unrecorded runs before each comparison. */
    private static final int WARM_UP = 10;

    private final Options options;
    private final PrintStream out;
    private final Report report = new Report();

    private Benchmark(Options options, PrintStream out) {
        this.options = options;
        this.out = out;
    }

    public static void main(String[] args) throws Exception {
        Options options = Options.parse(args);
        new Benchmark(options, System.out).run();
    }

    private void run() throws Exception {
        report.machine = Machine.describe();
        report.startedAt = Instant.now().toString();
        report.options = options;
        Path work = Files.createTempDirectory("sandbox-bench");
        try (DockerClient docker = connect()) {
            report.machine.put("docker", docker.versionCmd().exec().getVersion());
            Samples rawColdFirstCommand = withoutPool(work.resolve("cold"), docker);
            withPool(work.resolve("warm"), rawColdFirstCommand);
        }
        report.finishedAt = Instant.now().toString();
        Files.createDirectories(options.out().toAbsolutePath().getParent());
        new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(options.out().toFile(), report);
        report.print(out);
        out.println();
        out.println("Results written to " + options.out());
    }

    /** The server without a warm pool: every create starts a container. */
    private Samples withoutPool(Path data, DockerClient docker) throws Exception {
        progress("starting the server without a warm pool");
        try (ServerProcess server = ServerProcess.start(options.home(), data, settings(0))) {
            Api api = Api.register(server, "Bench Cold");
            String model = api.create();
            warmUp(api, model);
            try (RawEngine raw = new RawEngine(docker, model)) {
                String rawBox = raw.createAndStart();

                // First, while the server is in its steady state: right after the 10 MB transfers
                // its request path runs at about half speed for some 20 s (the heap and the JIT adapt).
                progress("status latency and throughput");
                Samples status = new Samples();
                HttpClient client = HttpClient.newHttpClient();
                HttpRequest statusRequest = HttpRequest.newBuilder(URI.create(api.statusUrl(model)))
                        .header("X-API-Key", api.key).build();
                for (int i = -50; i < 500; i++) {
                    long nanos = Timer.nanos(() -> client.send(statusRequest, HttpResponse.BodyHandlers.discarding()));
                    if (i >= 0) {
                        status.addNanos(nanos);
                    }
                }
                report.add("GET /sandbox/{id}/status, one client", status, null);
                if (Wrk.installed()) {
                    for (int connections : Wrk.defaultConnections()) {
                        report.throughput.add(Wrk.run(api.statusUrl(model), api.key, connections, options.loadSeconds()));
                    }
                } else {
                    report.notes.add("wrk is not installed: the status throughput was not measured (apt-get install wrk)");
                }

                progress("create to running");
                createToRunning(api, raw);
                progress("create to first command");
                Samples rawFirstCommand = new Samples();
                Samples ours = new Samples();
                for (int i = -WARM_UP; i < options.runs(); i++) {
                    String[] box = new String[1];
                    long nanos = Timer.nanos(() -> {
                        box[0] = api.create();
                        api.exec(box[0], ECHO);
                    });
                    api.stop(box[0]);
                    String[] rawContainer = new String[1];
                    long rawNanos = Timer.nanos(() -> {
                        rawContainer[0] = raw.createAndStart();
                        raw.exec(rawContainer[0], "/bin/sh", "-c", ECHO);
                    });
                    raw.remove(rawContainer[0]);
                    if (i >= 0) {
                        ours.addNanos(nanos);
                        rawFirstCommand.addNanos(rawNanos);
                    }
                }
                report.add("create to first command (cold)", ours, rawFirstCommand);

                progress("exec round trip");
                compare("exec round trip (echo hi)",
                        () -> api.exec(model, ECHO),
                        () -> raw.exec(rawBox, "/bin/sh", "-c", ECHO));

                progress("streaming first output");
                Samples streamOurs = new Samples();
                Samples streamRaw = new Samples();
                for (int i = -1; i < Math.max(3, options.runs() / 3); i++) {
                    long nanos = api.streamFirstOutputNanos(model, TICKING);
                    long rawNanos = raw.streamFirstOutputNanos(rawBox, "/bin/sh", "-c", TICKING);
                    if (i >= 0) {
                        streamOurs.addNanos(nanos);
                        streamRaw.addNanos(rawNanos);
                    }
                }
                report.add("streaming: first output of a command printing once a second", streamOurs, streamRaw);

                progress("10 MB file write and read");
                byte[] content = new byte[FILE_BYTES];
                new SecureRandom().nextBytes(content);
                int fileRuns = Math.max(3, options.runs() / 3);
                compare("write a 10 MB file", fileRuns,
                        () -> api.writeFile(model, "/workspace/big.bin", content),
                        () -> raw.putFile(rawBox, "/workspace", "big.bin", content));
                compare("read a 10 MB file", fileRuns,
                        () -> api.readFile(model, "/workspace/big.bin"),
                        () -> raw.getFile(rawBox, "/workspace/big.bin"));
                compare("write a 10 MB file as raw bytes (PUT /files/raw)", fileRuns,
                        () -> api.putRaw(model, "/workspace/big.bin", content),
                        () -> raw.putFile(rawBox, "/workspace", "big.bin", content));
                compare("read a 10 MB file as raw bytes (GET /files/raw)", fileRuns,
                        () -> api.getRaw(model, "/workspace/big.bin"),
                        () -> raw.getFile(rawBox, "/workspace/big.bin"));

                progress("output latency");
                Samples latency = new Samples();
                Samples rawLatency = new Samples();
                for (int i = 0; i < Math.max(3, options.runs() / 10); i++) {
                    api.outputLatencies(model, STAMPS, latency);
                    raw.outputLatencies(rawBox, STAMPS, rawLatency);
                }
                report.add(Report.OUTPUT_LATENCY, latency, rawLatency);
            } finally {
                api.stopAll();
            }
            if (!options.density().isEmpty()) {
                density(server, Api.register(server, "Bench Density"));
            }
            // Last, since they leave the server's memory larger than the density measurement should start from.
            Api load = Api.register(server, "Bench Load");
            String loaded = load.create();
            try (RawEngine raw = new RawEngine(docker, loaded)) {
                progress("200 concurrent execs across 20 sandboxes");
                concurrentExecs(load, raw);
                progress("1 GB written and read through the raw file endpoints");
                transferGigabyte(server, load, loaded);
            } finally {
                load.stopAll();
            }
            return report.rawSamples("create to first command (cold)");
        }
    }

    /**
     * 200 execs at once, 10 in each of 20 sandboxes, against the same through the raw engine: each
     * exec's latency, and whether any failed.
     */
    private void concurrentExecs(Api api, RawEngine raw) throws Exception {
        List<String> boxes = new ArrayList<>();
        List<String> rawBoxes = new ArrayList<>();
        try {
            for (int i = 0; i < CONCURRENT_SANDBOXES; i++) {
                boxes.add(api.create());
                rawBoxes.add(raw.createAndStart());
            }
            for (int round = 0; round < 2; round++) { // the first round warms both up
                Burst ours = burst(i -> api.exec(boxes.get(i % CONCURRENT_SANDBOXES), ECHO));
                Burst theirs = burst(i -> raw.exec(rawBoxes.get(i % CONCURRENT_SANDBOXES), "/bin/sh", "-c", ECHO));
                if (round == 1) {
                    report.add("200 concurrent execs across 20 sandboxes, each exec", ours.latencies(), theirs.latencies());
                    double median = ours.latencies().percentileMs(50);
                    double p99 = ours.latencies().percentileMs(99);
                    report.measured.add(new Report.Target("200 concurrent execs across 20 sandboxes", "no error, p99 <= 3x median",
                            String.format(Locale.ROOT, "median %.1f ms, p99 %.1f ms (%.1fx), %d errors (raw: median %.1f ms, p99 %.1f ms,"
                                    + " %d errors)", median, p99, p99 / median, ours.errors(), theirs.latencies().percentileMs(50),
                                    theirs.latencies().percentileMs(99), theirs.errors()),
                            ours.errors() == 0 && p99 <= 3 * median));
                }
            }
        } finally {
            for (String box : boxes) {
                api.stop(box);
            }
            rawBoxes.forEach(raw::remove);
        }
    }

    private record Burst(Samples latencies, int errors) {
    }

    /** {@link #CONCURRENT_EXECS} runs of {@code call}, all released at once. */
    private static Burst burst(IntCall call) throws InterruptedException {
        Samples latencies = new Samples();
        AtomicInteger errors = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < CONCURRENT_EXECS; i++) {
            int n = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    go.await();
                    long nanos = Timer.nanos(() -> call.run(n));
                    synchronized (latencies) {
                        latencies.addNanos(nanos);
                    }
                } catch (Exception e) {
                    errors.incrementAndGet();
                    LOG.warn("a concurrent exec failed: {}", e.toString());
                }
            }));
        }
        go.countDown();
        for (Thread thread : threads) {
            thread.join();
        }
        return new Burst(latencies, errors.get());
    }

    @FunctionalInterface
    private interface IntCall {
        void run(int n) throws Exception;
    }

    /**
     * 1 GB into a file through {@code PUT /files/raw} and back out through {@code GET}, with the
     * server's heap watched: its live heap (after a full collection) before and after, and the most
     * in use (garbage included) while the bytes went through.
     */
    private void transferGigabyte(ServerProcess server, Api api, String model) throws Exception {
        long before = server.liveHeapBytes();
        AtomicLong most = new AtomicLong();
        AtomicBoolean done = new AtomicBoolean();
        Thread sampler = Thread.ofVirtual().start(() -> {
            while (!done.get()) {
                try {
                    most.accumulateAndGet((long) server.metric("jvm_memory_used_bytes{area=\"heap\"}"), Math::max);
                    Thread.sleep(100);
                } catch (Exception e) {
                    return;
                }
            }
        });
        long[] read = new long[1];
        long write = Timer.nanos(() -> api.putRaw(model, "/workspace/gigabyte.bin", GIGABYTE));
        long readNanos = Timer.nanos(() -> read[0] = api.getRaw(model, "/workspace/gigabyte.bin"));
        done.set(true);
        sampler.join();
        api.exec(model, "rm /workspace/gigabyte.bin");
        long after = server.liveHeapBytes();
        report.measured.add(new Report.Target("1 GB written and read through /files/raw", "the server's heap unchanged",
                String.format(Locale.ROOT, "write %.1f s, read %.1f s (%d bytes); live heap %d MiB before, %d MiB after; at most %d MiB"
                        + " in use during", write / 1e9, readNanos / 1e9, read[0], before >> 20, after >> 20, most.get() >> 20),
                read[0] == GIGABYTE && after - before < 32L << 20 && most.get() - before < 256L << 20));
    }

    /** The server with the shipped pool size for python-basic: creates claim a started sandbox. */
    private void withPool(Path data, Samples rawColdFirstCommand) throws Exception {
        progress("starting the server with a warm pool of " + options.pool());
        try (ServerProcess server = ServerProcess.start(options.home(), data, settings(options.pool()))) {
            Api api = Api.register(server, "Bench Warm");
            String model = api.create();
            warmUp(api, model);
            api.stop(model);
            Samples running = new Samples();
            Samples firstCommand = new Samples();
            try {
                for (int i = -WARM_UP; i < options.runs(); i++) {
                    awaitPoolFull(server);
                    String[] box = new String[1];
                    long toRunning = Timer.nanos(() -> box[0] = api.create());
                    long toCommand = toRunning + Timer.nanos(() -> api.exec(box[0], ECHO));
                    api.stop(box[0]);
                    if (i >= 0) {
                        running.addNanos(toRunning);
                        firstCommand.addNanos(toCommand);
                    }
                }
            } finally {
                api.stopAll();
            }
            report.add("create to running (warm pool)", running, report.rawSamples("create to running (cold)"));
            report.add("create to first command (warm pool) vs raw cold create+start+exec", firstCommand, rawColdFirstCommand);
        }
    }

    private void density(ServerProcess server, Api api) throws Exception {
        List<String> sandboxes = Collections.synchronizedList(new ArrayList<>());
        // The baseline after a full collection and a pause, so that memory the server frees later
        // (after the large transfers before) does not count against the sandboxes.
        long liveHeap = server.liveHeapBytes();
        Thread.sleep(5000);
        long availableBefore = Machine.memAvailableBytes();
        Report.Density idle = new Report.Density(0, server.rssBytes(), liveHeap, 0, 0);
        report.density.add(idle);
        try (ExecutorService creators = Executors.newFixedThreadPool(4)) {
            for (int level : options.density()) {
                progress("density: " + level + " idle sandboxes");
                List<Future<?>> creates = new ArrayList<>();
                for (int i = sandboxes.size(); i < level; i++) {
                    creates.add(creators.submit(() -> sandboxes.add(api.create())));
                }
                long started = System.nanoTime();
                for (Future<?> create : creates) {
                    create.get();
                }
                double createSeconds = (System.nanoTime() - started) / 1e9;
                Thread.sleep(3000);
                long hostBytes = availableBefore - Machine.memAvailableBytes();
                report.density.add(new Report.Density(level, server.rssBytes(), server.liveHeapBytes(),
                        hostBytes / level, createSeconds));
            }
        } finally {
            progress("density: stopping " + sandboxes.size() + " sandboxes");
            try (ExecutorService stoppers = Executors.newFixedThreadPool(4)) {
                for (String id : List.copyOf(sandboxes)) {
                    stoppers.submit(() -> {
                        api.stop(id);
                        return null;
                    });
                }
            }
            api.stopAll();
        }
    }

    /** Load on the request path (status reads), then commands and creates, none of it recorded. */
    private void warmUp(Api api, String model) throws Exception {
        progress("warming up the server");
        if (Wrk.installed()) {
            Wrk.run(api.statusUrl(model), api.key, 16, 120);
        }
        for (int i = 0; i < 100; i++) {
            api.exec(model, ECHO);
        }
        for (int i = 0; i < 10; i++) {
            api.stop(api.create());
        }
    }

    private void awaitPoolFull(ServerProcess server) throws Exception {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (server.metric("sandbox_pool_idle{template=\"python-basic\"}") < options.pool()) {
            if (System.nanoTime() > deadline) {
                throw new IOException("the warm pool did not fill within 120 s");
            }
            Thread.sleep(50);
        }
    }

    /** Only the create is timed; the stop or removal after it is not. */
    private void createToRunning(Api api, RawEngine raw) throws Exception {
        Samples ours = new Samples();
        Samples rawSamples = new Samples();
        for (int i = -WARM_UP; i < options.runs(); i++) {
            String[] box = new String[1];
            long nanos = Timer.nanos(() -> box[0] = api.create());
            api.stop(box[0]);
            String[] container = new String[1];
            long rawNanos = Timer.nanos(() -> container[0] = raw.createAndStart());
            raw.remove(container[0]);
            if (i >= 0) {
                ours.addNanos(nanos);
                rawSamples.addNanos(rawNanos);
            }
        }
        report.add("create to running (cold)", ours, rawSamples);
    }

    private void compare(String name, Timer ours, Timer raw) throws Exception {
        compare(name, options.runs(), ours, raw);
    }

    /** Runs ours and raw alternately, {@code runs} times each after the warm-up. */
    private void compare(String name, int runs, Timer ours, Timer raw) throws Exception {
        Samples oursSamples = new Samples();
        Samples rawSamples = new Samples();
        for (int i = -WARM_UP; i < runs; i++) {
            long oursNanos = Timer.nanos(ours);
            long rawNanos = Timer.nanos(raw);
            if (i >= 0) {
                oursSamples.addNanos(oursNanos);
                rawSamples.addNanos(rawNanos);
            }
        }
        report.add(name, oursSamples, rawSamples);
    }

    /** Server settings for the run: a pool of {@code pool} for python-basic only, no limits in the way. */
    private static Map<String, String> settings(int pool) {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("warmPool.templates.python-basic", Integer.toString(pool));
        settings.put("warmPool.templates.node-basic", "0");
        settings.put("auth.defaultPlan", "enterprise");
        settings.put("auth.rateLimit.requestsPerSecond", "1000000");
        settings.put("auth.rateLimit.burst", "1000000");
        // A file written through the API is staged in the sandbox's /tmp: room for the 1 GB transfer.
        settings.put("runtime.config.tmpSize", "2Gi");
        return settings;
    }

    private static DockerClient connect() {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder().build();
        return DockerClientImpl.getInstance(config, new ZerodepDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).maxConnections(256).build());
    }

    private static void progress(String step) {
        LOG.info(step);
    }

    /** Command-line options. */
    record Options(Path home, Path out, int runs, List<Integer> density, int loadSeconds, int pool) {

        static Options parse(String[] args) {
            Map<String, String> given = new LinkedHashMap<>();
            for (String arg : args) {
                if (!arg.startsWith("--") || !arg.contains("=")) {
                    throw new IllegalArgumentException("options are --name=value, not " + arg);
                }
                given.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            }
            String home = given.remove("home");
            if (home == null) {
                throw new IllegalArgumentException("--home=<the unpacked distribution> is required");
            }
            Options options = new Options(Path.of(home),
                    Path.of(given.getOrDefault("out", "bench/results/latest.json")),
                    Integer.parseInt(given.getOrDefault("runs", "30")),
                    given.getOrDefault("density", "10,100,500").isBlank() ? List.of()
                            : Arrays.stream(given.getOrDefault("density", "10,100,500").split(",")).map(String::strip)
                                    .map(Integer::parseInt).sorted().toList(),
                    Integer.parseInt(given.getOrDefault("load-seconds", "10")),
                    Integer.parseInt(given.getOrDefault("pool", "2")));
            given.keySet().removeAll(List.of("out", "runs", "density", "load-seconds", "pool"));
            if (!given.isEmpty()) {
                throw new IllegalArgumentException("unknown options " + given.keySet());
            }
            return options;
        }
    }
}
