package com.stateset.sandbox.distribution;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.CheckpointView;
import com.stateset.sandbox.api.ExecuteResponse;
import com.stateset.sandbox.api.ForkRequests;
import com.stateset.sandbox.api.ProcessRequests;
import com.stateset.sandbox.api.SandboxView;
import com.stateset.sandbox.client.Command;
import com.stateset.sandbox.client.CreateSandbox;
import com.stateset.sandbox.client.Events;
import com.stateset.sandbox.client.Files;
import com.stateset.sandbox.client.Processes;
import com.stateset.sandbox.client.SandboxApiException;
import com.stateset.sandbox.client.SandboxClient;
import com.stateset.sandbox.client.SandboxConnectionException;
import com.stateset.sandbox.client.Sandboxes;
import com.stateset.sandbox.client.Terminals;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Java SDK ({@code sdk/java}) against the server as an operator runs it from the distribution:
 * every method called and its answer checked, streams included, errors as their exceptions,
 * retries against the real rate limit and against connections cut by a real proxy, and a process's
 * output and the events stream followed across a real stop and start of the server. Every operation
 * of {@code docs/openapi.yaml} must have been called by it (read from the server's request log).
 */
class JavaSdkIT {

    private static final String[] OPTIONS = {
        "-Ddw.auth.defaultPlan=enterprise",
        "-Ddw.webhooks.allowPrivateTargets=true",
        "-Ddw.webhooks.requireHttps=false",
    };

    @TempDir
    static Path data;
    private static ServerProcess server;
    private static SandboxClient client;
    private static String key;
    private static String id;

    @BeforeAll
    static void start() {
        DistributionIT.requireDocker();
        server = ServerProcess.start(data, Map.of(), OPTIONS).awaitUp();
        SandboxClient anonymous = SandboxClient.builder().baseUrl(server.url("")).build();
        key = anonymous.organization().register("java-sdk@example.com", "Java SDK").apiKey().key();
        client = SandboxClient.builder().baseUrl(server.url("")).apiKey(key).build();
        id = client.sandboxes().create(CreateSandbox.template("python-basic").env("GREETING", "hello").metadata(Map.of("suite", "java")))
                .id();
    }

    @AfterAll
    static void everyOperationWasCalled() throws Exception {
        try {
            client.sandboxes().delete(id);
        } finally {
            server.close();
        }
        ObjectMapper json = new ObjectMapper();
        List<String> made = new ArrayList<>();
        for (String line : server.output().lines().filter(l -> l.startsWith("{\"timestamp\"")).toList()) {
            JsonNode request = json.readTree(line);
            if (request.path("userAgent").asText().startsWith("Java-http-client") && request.path("uri").asText().startsWith("/api/v1/")) {
                made.add(request.path("method").asText() + " " + request.path("uri").asText().substring("/api/v1".length()));
            }
        }
        assertThat(made).as("the Java client's calls in the server's request log").hasSizeGreaterThan(100);
        Set<String> missing = OpenApiOperations.notCalled(made);
        assertThat(missing).as("operations of docs/openapi.yaml never called through the Java SDK (of %d calls)", made.size()).isEmpty();
    }

    @Test
    void sandboxesCommandsAndTheirLifetime() {
        SandboxView sandbox = client.sandboxes().get(id);
        assertThat(sandbox.status()).isEqualTo("running");
        assertThat(sandbox.envKeys()).containsExactly("GREETING");
        assertThat(sandbox.metadata().path("suite").asText()).isEqualTo("java");
        assertThat(client.sandboxes().list("running", 100, 0).sandboxes()).extracting(SandboxView::id).contains(id);
        assertThat(client.sandboxes().status(id).remainingExtendSeconds()).isNotNegative();

        ExecuteResponse shell = client.sandboxes().execute(id, Command.shell("echo \"$GREETING $WHO\"; echo oops >&2; exit 3").env("WHO", "java"));
        assertThat(shell.stdout()).isEqualTo("hello java\n");
        assertThat(shell.stderr()).isEqualTo("oops\n");
        assertThat(shell.exitCode()).isEqualTo(3);
        assertThat(client.sandboxes().execute(id, Command.argv("python3", "-c", "import os; print(os.getcwd())").workingDir("/tmp")).stdout())
                .isEqualTo("/tmp\n");
        ExecuteResponse slow = client.sandboxes().execute(id, Command.shell("sleep 5").timeout(Duration.ofMillis(300)));
        assertThat(slow.timedOut()).isTrue();
        assertThat(slow.exitCode()).isEqualTo(124);

        List<Sandboxes.ExecEvent> events;
        try (Stream<Sandboxes.ExecEvent> stream = client.sandboxes().executeStream(id,
                Command.argv("python3", "-u", "-c", "import sys\nprint('one')\nprint('two', file=sys.stderr)\nexit(2)"))) {
            events = stream.toList();
        }
        assertThat(String.join("", events.stream().filter(e -> e.type().equals("stdout")).map(Sandboxes.ExecEvent::data).toList())).isEqualTo("one\n");
        assertThat(String.join("", events.stream().filter(e -> e.type().equals("stderr")).map(Sandboxes.ExecEvent::data).toList())).isEqualTo("two\n");
        assertThat(events.get(events.size() - 1).type()).isEqualTo("exit");
        assertThat(events.get(events.size() - 1).exitCode()).isEqualTo(2);

        SandboxView before = client.sandboxes().get(id);
        SandboxView extended = client.sandboxes().extend(id, Duration.ofMinutes(1));
        assertThat(java.time.Instant.parse(extended.expiresAt())).isAfter(java.time.Instant.parse(before.expiresAt()));

        client.files().write(id, Map.of("forked.txt", "carried over"));
        ForkRequests.Forked fork = client.sandboxes().fork(id, new ForkRequests.Fork(null, null, null, null, true, "java fork", null, null));
        assertThat(client.files().read(fork.forkedId(), "forked.txt")).isEqualTo("carried over");
        client.sandboxes().delete(fork.forkedId());
        client.checkpoints().delete(fork.checkpointId());

        SandboxView source = client.sandboxes().create(CreateSandbox.template("python-basic"));
        ForkRequests.Promoted promoted = client.sandboxes().promote(source.id(),
                new ForkRequests.Promote("gvisor", null, null, null, null, null, null, null, null));
        assertThat(promoted.isolation()).isEqualTo("gvisor");
        assertThat(client.sandboxes().get(source.id()).status()).isEqualTo("terminated");
        assertThatThrownBy(() -> client.sandboxes().execute(source.id(), "true")).isInstanceOf(SandboxApiException.ConflictException.class);
        client.sandboxes().delete(promoted.promotedId());
        client.sandboxes().delete(source.id());
        client.checkpoints().delete(promoted.checkpointId());

        SandboxView stopped = client.sandboxes().create(CreateSandbox.template("python-basic"));
        client.sandboxes().stop(stopped.id());
        client.sandboxes().delete(stopped.id());
        assertThatThrownBy(() -> client.sandboxes().get(stopped.id())).isInstanceOfSatisfying(SandboxApiException.NotFoundException.class,
                e -> assertThat(e.code()).isEqualTo("SANDBOX_NOT_FOUND"));
        assertThatThrownBy(() -> client.sandboxes().create(CreateSandbox.template("python-basic").cpus("lots")))
                .isInstanceOfSatisfying(SandboxApiException.ValidationException.class, e -> assertThat(e.field()).contains("cpus"));

        assertThat(client.sandboxes().metrics(id).metrics().memory().usage()).isPositive();
        assertThat(client.sandboxes().metricsHistory(id, 10).sandboxId()).isEqualTo(id);
        assertThat(client.sandboxes().metricsSummary(id).sandboxId()).isEqualTo(id);
        assertThat(client.sandboxes().auditSummary(id).commandsExecuted()).isPositive();
        assertThat(client.operations().health()).containsEntry("status", "healthy");
        assertThat(client.operations().openApi().path("openapi").asText()).isEqualTo("3.1.0");
        assertThat(client.operations().openApiYaml()).startsWith("openapi: 3.1.0\n");
    }

    @Test
    void filesAsJsonAsBytesAndAsOperations(@TempDir Path local) throws Exception {
        Files files = client.files();
        assertThat(files.write(id, Map.of("/workspace/hello.txt", "grüße ✓")).files()).hasSize(1);
        assertThat(files.read(id, "hello.txt")).isEqualTo("grüße ✓");
        byte[] bytes = new byte[3 * 1024 * 1024];
        new java.util.Random(7).nextBytes(bytes);
        assertThat(files.upload(id, "raw/big.bin", bytes).size()).isEqualTo(bytes.length);
        try (InputStream in = files.download(id, "raw/big.bin")) {
            assertThat(in.readAllBytes()).isEqualTo(bytes);
        }
        Path copy = local.resolve("copy.bin");
        files.download(id, "raw/big.bin", copy);
        files.upload(id, "raw/again.bin", copy);
        assertThat(files.readBytes(id, "raw/again.bin")).isEqualTo(java.nio.file.Files.readAllBytes(copy));
        files.writeBytes(id, Map.of("tree/a.txt", "A".getBytes(StandardCharsets.UTF_8), "tree/sub/b.txt", new byte[] {66}));
        try (InputStream tar = files.archive(id, "tree")) {
            String listing = new String(tar.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(listing).contains("tree/a.txt", "tree/sub/b.txt");
        }
        assertThat(files.list(id, "tree", true).files()).extracting(e -> e.path())
                .containsExactlyInAnyOrder("/workspace/tree/a.txt", "/workspace/tree/sub", "/workspace/tree/sub/b.txt");
        assertThat(files.glob(id, "tree/**/*.txt").files()).hasSize(2);
        files.mkdir(id, "ops/deep");
        files.move(id, "tree/a.txt", "ops/deep/a.txt", false);
        files.copy(id, "ops/deep", "ops/copy", false);
        assertThat(files.read(id, "ops/copy/a.txt")).isEqualTo("A");
        assertThatThrownBy(() -> files.copy(id, "ops/deep", "ops/copy", false)).isInstanceOf(SandboxApiException.ConflictException.class);
        files.delete(id, "ops", true);
        assertThatThrownBy(() -> files.read(id, "ops/copy/a.txt")).isInstanceOf(SandboxApiException.NotFoundException.class);

        files.mkdir(id, "watched");
        List<Files.FileChange> changes = new CopyOnWriteArrayList<>();
        try (Stream<Files.FileChange> watch = files.watch(id, "watched", true)) {
            CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> watch.takeWhile(c -> {
                changes.add(c);
                return !c.type().equals("deleted");
            }).forEach(c -> { }));
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                client.sandboxes().execute(id, "echo x > watched/file.txt");
                return !changes.isEmpty();
            });
            files.delete(id, "watched/file.txt", false);
            reading.get(30, TimeUnit.SECONDS);
        }
        assertThat(changes).extracting(Files.FileChange::path).contains("/workspace/watched/file.txt");
    }

    @Test
    void backgroundProcessesTerminalsAndInterpreters() throws Exception {
        Processes processes = client.processes();
        ProcessRequests.View counter = processes.start(id, Command.shell("for i in 1 2 3; do echo line$i; sleep 0.2; done; exit 4"), false);
        assertThat(processes.list(id)).extracting(ProcessRequests.View::id).contains(counter.id());
        String output;
        try (Stream<Processes.ProcessOutput> events = processes.output(id, counter.id(), 0)) {
            List<Processes.ProcessOutput> all = events.toList();
            output = String.join("", all.stream().filter(e -> e.text() != null).map(Processes.ProcessOutput::text).toList());
            assertThat(all.get(all.size() - 1).exitCode()).isEqualTo(4);
        }
        assertThat(output).isEqualTo("line1\nline2\nline3\n");
        try (Stream<Processes.ProcessOutput> fromSix = processes.output(id, counter.id(), 6)) {
            assertThat(fromSix.filter(e -> e.text() != null).map(Processes.ProcessOutput::text).reduce("", String::concat))
                    .isEqualTo("line2\nline3\n");
        }
        assertThat(processes.await(id, counter.id(), Duration.ofSeconds(5)).exitCode()).isEqualTo(4);
        assertThat(processes.get(id, counter.id()).status()).isEqualTo("exited");
        processes.remove(id, counter.id());
        assertThatThrownBy(() -> processes.get(id, counter.id())).isInstanceOfSatisfying(SandboxApiException.NotFoundException.class,
                e -> assertThat(e.code()).isEqualTo("PROCESS_NOT_FOUND"));

        ProcessRequests.View cat = processes.start(id, Command.argv("cat"), false);
        processes.input(id, cat.id(), "typed\n", true);
        assertThat(processes.await(id, cat.id(), Duration.ofSeconds(10)).exitCode()).isZero();
        ProcessRequests.View sleeper = processes.start(id, Command.shell("sleep 60"), false);
        processes.signal(id, sleeper.id(), "TERM");
        assertThat(processes.await(id, sleeper.id(), Duration.ofSeconds(10)).signal()).isEqualTo(15);
        ProcessRequests.View tty = processes.start(id, Command.shell("read line; stty size"), true);
        processes.resize(id, tty.id(), 132, 43);
        processes.input(id, tty.id(), "go\n", false);
        processes.await(id, tty.id(), Duration.ofSeconds(10));
        try (Stream<Processes.ProcessOutput> screen = processes.output(id, tty.id(), 0)) {
            assertThat(screen.filter(e -> e.text() != null).map(Processes.ProcessOutput::text).reduce("", String::concat)).contains("43 132");
        }

        ByteArrayOutputStream screen = new ByteArrayOutputStream();
        try (Terminals.Terminal terminal = client.terminals().open(id, Command.argv("bash", "-l"), 100, 30, bytes -> {
            synchronized (screen) {
                screen.writeBytes(bytes);
            }
        })) {
            terminal.resize(120, 40);
            terminal.write("stty size; echo \"sum=$((20+22))\"; exit 7\n");
            assertThat(terminal.exit().get(30, TimeUnit.SECONDS)).isEqualTo(7);
        }
        synchronized (screen) {
            assertThat(screen.toString(StandardCharsets.UTF_8)).contains("40 120", "sum=42");
        }

        var session = client.repl().create(id, "python");
        assertThat(client.repl().run(id, session.id(), "x = 40", Duration.ofSeconds(30)).status()).isEqualTo("ok");
        assertThat(client.repl().run(id, session.id(), "x + 2", Duration.ofSeconds(30)).result()).containsEntry("text/plain", "42");
        CompletableFuture<com.stateset.sandbox.api.ReplView.Result> slow = CompletableFuture.supplyAsync(
                () -> client.repl().run(id, session.id(), "import time\ntime.sleep(30)", Duration.ofSeconds(60)));
        await().atMost(Duration.ofSeconds(10)).pollDelay(Duration.ofMillis(500)).untilAsserted(() -> {
            client.repl().interrupt(id, session.id());
            assertThat(slow).isDone();
        });
        assertThat(slow.get().exception().path("ename").asText()).isEqualTo("KeyboardInterrupt");
        assertThat(client.repl().list(id)).extracting(s -> s.id()).containsExactly(session.id());
        client.repl().delete(id, session.id());
        assertThat(client.repl().get(id, session.id()).status()).isEqualTo("ended");
    }

    @Test
    void checkpointsArtifactsWebhooksAndTheOrganization() throws Exception {
        client.files().write(id, Map.of("app.txt", "v1"));
        CheckpointView first = client.checkpoints().create(id, "first", "v1", true);
        client.files().write(id, Map.of("app.txt", "v2", "new.txt", "n"));
        CheckpointView second = client.checkpoints().create(id, "second", null, false);
        CheckpointView.Comparison diff = client.checkpoints().compare(first.id(), second.id());
        assertThat(diff.added()).containsExactly("new.txt");
        assertThat(diff.modified()).containsExactly("app.txt");
        assertThat(client.checkpoints().restore(id, first.id(), true, true, true).envRestored()).isTrue();
        assertThat(client.files().read(id, "app.txt")).isEqualTo("v1");
        CheckpointView clone = client.checkpoints().clone(first.id(), "copy");
        assertThat(client.checkpoints().list(id)).extracting(CheckpointView::id).contains(first.id(), second.id(), clone.id());
        assertThat(client.checkpoints().get(clone.id()).checksum()).isEqualTo(first.checksum());
        for (CheckpointView checkpoint : List.of(first, second, clone)) {
            client.checkpoints().delete(checkpoint.id());
        }

        client.files().write(id, Map.of("out/report.csv", "a,b\n1,2\n"));
        var artifact = client.artifacts().upload(id, "out/report.csv", "reports/r.csv", Duration.ofHours(1));
        assertThat(artifact.contentType()).isEqualTo("text/csv");
        assertThat(client.artifacts().list(id)).extracting(a -> a.id()).containsExactly(artifact.id());
        assertThat(client.artifacts().get(artifact.id()).remotePath()).isEqualTo("reports/r.csv");
        String url = client.artifacts().url(artifact.id(), Duration.ofMinutes(1)).url();
        HttpResponse<String> fetched = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(server.url("")).resolve(url)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(fetched.body()).isEqualTo("a,b\n1,2\n");
        assertThat(client.artifacts().download(id, artifact.id(), "/workspace/in/copy.csv").path()).isEqualTo("/workspace/in/copy.csv");
        client.artifacts().delete(artifact.id());

        List<String> received = new CopyOnWriteArrayList<>();
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/", exchange -> {
            received.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        try {
            var webhook = client.webhooks().create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook",
                    List.of("sandbox.created"), "whsec_java_sdk_0123456789");
            assertThat(client.webhooks().list()).extracting(w -> w.id()).containsExactly(webhook.id());
            assertThat(client.webhooks().test(webhook.id()).success()).isTrue();
            SandboxView other = client.sandboxes().create(CreateSandbox.template("python-basic"));
            client.sandboxes().delete(other.id());
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(client.webhooks().deliveries(webhook.id(), 10)).singleElement().satisfies(d -> assertThat(d.status()).isEqualTo("delivered")));
            assertThat(received).anyMatch(body -> body.contains(other.id()));
            client.webhooks().delete(webhook.id());
        } finally {
            receiver.stop(0);
        }

        assertThat(client.organization().templates("language", "python")).extracting(t -> t.id()).containsExactly("python-basic");
        assertThat(client.organization().template("node-basic").id()).isEqualTo("node-basic");
        SandboxView fromTemplate = client.sandboxes().createFromTemplate("node-basic", Map.of("env", Map.of("MODE", "t")));
        assertThat(client.sandboxes().execute(fromTemplate.id(), Command.argv("node", "-e", "console.log(process.env.MODE)")).stdout())
                .isEqualTo("t\n");
        client.sandboxes().delete(fromTemplate.id());

        var created = client.organization().createApiKey("reader", List.of("sandbox:read"), 1);
        assertThat(client.organization().apiKeys()).extracting(k -> k.id()).contains(created.apiKey().id());
        SandboxClient reader = SandboxClient.builder().baseUrl(server.url("")).apiKey(created.key()).build();
        assertThat(reader.sandboxes().get(id).id()).isEqualTo(id);
        assertThatThrownBy(() -> reader.sandboxes().execute(id, "true")).isInstanceOf(SandboxApiException.PermissionDeniedException.class);
        client.organization().revokeApiKey(created.apiKey().id());
        assertThatThrownBy(() -> reader.sandboxes().get(id)).isInstanceOf(SandboxApiException.AuthenticationException.class);

        client.organization().createSecret("JAVA_TOKEN", "s3cret");
        assertThat(client.sandboxes().injectSecrets(id, List.of("JAVA_TOKEN"))).containsExactly("JAVA_TOKEN");
        client.organization().updateSecret("JAVA_TOKEN", "rotated");
        assertThat(client.sandboxes().execute(id, "printf %s \"$JAVA_TOKEN\"").stdout()).isEqualTo("rotated");
        assertThat(client.organization().secrets()).extracting(s -> s.name()).containsExactly("JAVA_TOKEN");
        client.organization().deleteSecret("JAVA_TOKEN");

        assertThat(client.organization().audit(Map.of("action", "sandbox.create", "limit", 5)).total()).isPositive();
        assertThat(client.organization().usage().sandboxCreations()).isPositive();
        assertThat(client.organization().usageHistory("daily", null, null).data()).isNotEmpty();
        assertThat(client.organization().usageBySandbox(null, null).sandboxes()).extracting(s -> s.sandboxId()).contains(id);
        assertThat(client.organization().subscription().subscription().status()).isEqualTo("active");
        for (Runnable hostedOnly : List.<Runnable>of(() -> client.organization().upgradePlan("pro"),
                () -> client.organization().billingPortal(), () -> client.organization().invoices())) {
            assertThatThrownBy(hostedOnly::run).isInstanceOfSatisfying(SandboxApiException.ConflictException.class,
                    e -> assertThat(e.code()).isEqualTo("NOT_AVAILABLE"));
        }
        assertThat(client.operations().pool().templates()).isNotNull();
        assertThat(client.operations().queue().queue()).isEqualTo("event-deliveries");
        var run = client.operations().benchmark(1, "python-basic");
        assertThat(client.operations().benchmarkHistory(5, 0).results()).extracting(r -> r.id()).contains(run.id());
        assertThat(client.operations().benchmarkSummary(1).benchmarks()).isPositive();

        try (Stream<Events.Event> events = client.events().stream("0", List.of("sandbox.created"), id)) {
            Events.Event created0 = events.findFirst().orElseThrow();
            assertThat(created0.sandboxId()).isEqualTo(id);
            assertThat(created0.id()).startsWith("evt_");
        }
    }

    @Test
    void retriesWaitOutTheRateLimitAndSurviveCutConnections() throws Exception {
        String own = client.organization().createApiKey("burst", List.of(), null).key();
        SandboxClient patient = SandboxClient.builder().baseUrl(server.url("")).apiKey(own).maxRetries(5).build();
        List<SandboxView.Status> answers = IntStream.range(0, 160).parallel().mapToObj(i -> patient.sandboxes().status(id)).toList();
        assertThat(answers).allMatch(status -> status.status().equals("running"));
        SandboxClient impatient = SandboxClient.builder().baseUrl(server.url("")).apiKey(own).maxRetries(0).build();
        List<Throwable> refused = new CopyOnWriteArrayList<>();
        IntStream.range(0, 160).parallel().forEach(i -> {
            try {
                impatient.sandboxes().status(id);
            } catch (RuntimeException e) {
                refused.add(e);
            }
        });
        assertThat(refused).isNotEmpty().allSatisfy(e -> assertThat(e).isInstanceOfSatisfying(SandboxApiException.RateLimitException.class,
                r -> assertThat(r.retryAfter()).isPresent()));

        try (CuttingProxy proxy = new CuttingProxy(server.port, 1)) {
            int before = (int) client.sandboxes().list(null, 1000, 0).total();
            SandboxClient cut = SandboxClient.builder().baseUrl("http://127.0.0.1:" + proxy.port()).apiKey(key).build();
            SandboxView created = cut.sandboxes().create(CreateSandbox.template("python-basic"));
            assertThat(proxy.cut.get()).as("the first answer was cut").isEqualTo(1);
            assertThat(client.sandboxes().list(null, 1000, 0).total()).as("one sandbox, not two").isEqualTo(before + 1);
            client.sandboxes().delete(created.id());
        }
        try (CuttingProxy proxy = new CuttingProxy(server.port, 1)) {
            SandboxClient keyless = SandboxClient.builder().baseUrl("http://127.0.0.1:" + proxy.port()).apiKey(key)
                    .idempotencyKeys(false).build();
            assertThatThrownBy(() -> keyless.sandboxes().execute(id, "true")).isInstanceOf(SandboxConnectionException.class);
        }
    }

    @Test
    void aProcessIsFollowedAcrossAStopAndStartOfTheServer(@TempDir Path restartData) throws Exception {
        int port = ServerProcess.freePort();
        ServerProcess first = ServerProcess.startOn(port, restartData, Map.of(), OPTIONS).awaitUp();
        java.util.concurrent.atomic.AtomicReference<ServerProcess> second = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            SandboxClient anonymous = SandboxClient.builder().baseUrl(first.url("")).build();
            String restartKey = anonymous.organization().register("java-restart@example.com", "Restart").apiKey().key();
            SandboxClient patient = SandboxClient.builder().baseUrl(first.url("")).apiKey(restartKey).maxRetries(10).build();
            String sandbox = patient.sandboxes().create(CreateSandbox.template("python-basic")).id();
            String process = patient.processes().start(sandbox, Command.shell("for i in $(seq 1 60); do echo line$i; sleep 0.25; done"), false).id();
            StringBuilder output = new StringBuilder();
            Integer exit = null;
            try (Stream<Processes.ProcessOutput> events = patient.processes().output(sandbox, process, 0)) {
                var iterator = events.iterator();
                while (iterator.hasNext()) {
                    Processes.ProcessOutput event = iterator.next();
                    if (event.text() != null) {
                        output.append(event.text());
                        if (first != null) {
                            first.close(); // stopped mid-call: the stream breaks, and is resumed once the server is back
                            first = null;
                            Thread.ofVirtual().start(() -> second.set(ServerProcess.startOn(port, restartData, Map.of(), OPTIONS)));
                        }
                    } else if (event.type().equals("exit")) {
                        exit = event.exitCode();
                    }
                }
            }
            assertThat(exit).isZero();
            assertThat(output.toString()).isEqualTo(IntStream.rangeClosed(1, 60).mapToObj(i -> "line" + i + "\n").reduce("", String::concat));
            assertThat(patient.sandboxes().execute(sandbox, "echo after").stdout()).isEqualTo("after\n");
            patient.sandboxes().delete(sandbox);
        } finally {
            if (first != null) {
                first.close();
            }
            if (second.get() != null) {
                second.get().close();
            }
        }
    }

    /** Forwards connections to the server; the first {@code cuts} are cut once the server has answered. */
    private static final class CuttingProxy implements AutoCloseable {
        private final ServerSocket socket = new ServerSocket(0);
        final AtomicInteger cut = new AtomicInteger();

        CuttingProxy(int target, int cuts) throws java.io.IOException {
            Thread.ofVirtual().start(() -> {
                while (!socket.isClosed()) {
                    try {
                        Socket client = socket.accept();
                        Socket upstream = new Socket("127.0.0.1", target);
                        boolean cutThis = cut.get() < cuts;
                        Thread.ofVirtual().start(() -> pipe(client, upstream, false));
                        Thread.ofVirtual().start(() -> {
                            if (cutThis) {
                                try {
                                    upstream.getInputStream().read(); // the answer has begun
                                    cut.incrementAndGet();
                                    client.close();
                                    upstream.close();
                                } catch (java.io.IOException ignored) {
                                    // gone already
                                }
                            } else {
                                pipe(upstream, client, true);
                            }
                        });
                    } catch (java.io.IOException closed) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        private static void pipe(Socket from, Socket to, boolean closeAfter) {
            try {
                from.getInputStream().transferTo(to.getOutputStream());
            } catch (java.io.IOException ignored) {
                // one side went away
            } finally {
                if (closeAfter) {
                    try {
                        to.close();
                    } catch (java.io.IOException ignored) {
                        // already
                    }
                }
            }
        }

        @Override
        public void close() throws java.io.IOException {
            socket.close();
        }
    }
}
