package com.stateset.sandbox.distribution;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/sbx}, the command line, as a user runs it from the distribution against
 * {@code bin/sandbox server}: exit codes, JSON output, a login saved 0600, {@code cp} of a directory
 * both ways, {@code exec} with the command's exit code and standard input, a shell fed from a pipe,
 * and the errors a user meets, each with what to do.
 */
class CliIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path data;
    @TempDir
    static Path home;
    private static ServerProcess server;
    private static String sandbox;

    /** What a run printed and how it exited. */
    record Run(int exit, String out, String err) {
        JsonNode json() throws IOException {
            return JSON.readTree(out);
        }
    }

    @BeforeAll
    static void start() throws Exception {
        DistributionIT.requireDocker();
        server = ServerProcess.start(data, Map.of()).awaitUp();
        String key = Http.post(server.url("/api/v1/register"), null,
                Map.of("email", "cli@example.com", "organization_name", "CLI")).body().path("api_key").path("key").asText();
        Run login = sbx(key + "\n", Map.of(), "login", "--url", server.url(""), "--key-stdin");
        assertThat(login.exit()).as(login.err()).isZero();
        assertThat(login.out()).contains("saved as profile default");
        sandbox = sbx("create", "-t", "python-basic", "-e", "GREETING=hello").out().strip();
        assertThat(sandbox).startsWith("sbx_");
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            sbx("rm", sandbox);
            server.close();
        }
    }

    @Test
    void theLoginIsSavedForItsOwnerOnlyAndWhoamiReadsIt() throws Exception {
        Path profiles = home.resolve("config/stateset-sandbox/profiles.json");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(profiles))).isEqualTo("rw-------");
        Run whoami = sbx("whoami", "-o", "json");
        assertThat(whoami.json().path("server").asText()).isEqualTo(server.url(""));
        assertThat(whoami.json().path("plan").asText()).isEqualTo("free");
        Run wrong = sbx("", Map.of("SANDBOX_API_KEY", "sk-sandbox-wrong"), "ls");
        assertThat(wrong.exit()).isEqualTo(1);
        assertThat(wrong.err()).contains("UNAUTHORIZED").contains("hint: ").contains("sbx login");
    }

    @Test
    void execExitsWithTheCommandsCodeStreamsAndTakesInput() throws Exception {
        Run failing = sbx("exec", sandbox, "echo \"$GREETING\"; echo oops >&2; exit 7");
        assertThat(failing.exit()).isEqualTo(7);
        assertThat(failing.out()).isEqualTo("hello\n");
        assertThat(failing.err()).isEqualTo("oops\n");
        assertThat(sbx("exec", sandbox, "--", "python3", "-c", "print(6 * 7)").out()).isEqualTo("42\n");
        Run piped = sbx("line one\nline two\n", Map.of(), "exec", "-i", sandbox, "--", "wc", "-l");
        assertThat(piped.exit()).as(piped.err()).isZero();
        assertThat(piped.out().strip()).isEqualTo("2");
        Run json = sbx("exec", "-o", "json", sandbox, "exit 3");
        assertThat(json.exit()).isEqualTo(3);
        assertThat(json.json().path("exit_code").asInt()).isEqualTo(3);
        assertThat(sbx("exec", "--timeout", "1", sandbox, "sleep 5").exit()).isEqualTo(124);
        Run shell = sbx("echo \"in $((40+2))\"\nexit 5\n", Map.of(), "shell", sandbox);
        assertThat(shell.exit()).as(shell.err()).isEqualTo(5);
        assertThat(shell.out()).contains("in 42");
    }

    @Test
    void cpCopiesADirectoryThereAndBack(@TempDir Path local) throws Exception {
        Path source = local.resolve("project");
        Files.createDirectories(source.resolve("src/empty"));
        Files.writeString(source.resolve("README"), "read me\n");
        Files.writeString(source.resolve("src/main.py"), "print('hi')\n");
        Files.write(source.resolve("src/data.bin"), new byte[] {0, 1, 2, (byte) 255});
        Run up = sbx("cp", source.toString(), sandbox + ":/workspace/project");
        assertThat(up.exit()).as(up.err()).isZero();
        assertThat(sbx("exec", sandbox, "cd /workspace/project && find . | sort && python3 src/main.py").out())
                .isEqualTo(".\n./README\n./src\n./src/data.bin\n./src/empty\n./src/main.py\nhi\n");

        Path back = local.resolve("back");
        assertThat(sbx("cp", sandbox + ":/workspace/project", back.toString()).exit()).isZero();
        assertThat(tree(back)).containsExactly("README", "src", "src/data.bin", "src/empty", "src/main.py");
        assertThat(Files.readAllBytes(back.resolve("src/data.bin"))).containsExactly(0, 1, 2, 255);
        Path into = Files.createDirectories(local.resolve("into"));
        assertThat(sbx("cp", sandbox + ":/workspace/project/README", into.toString()).exit()).isZero();
        assertThat(Files.readString(into.resolve("README"))).isEqualTo("read me\n");

        Run both = sbx("cp", "here", "there");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(both.err()).contains("ID:PATH");
    }

    @Test
    void checkpointsArtifactsWebhooksKeysAndTheRest() throws Exception {
        sbx("exec", sandbox, "echo v1 > app.txt");
        String first = sbx("checkpoint", "create", sandbox, "-n", "first").out().strip();
        sbx("exec", sandbox, "echo v2 > app.txt; echo n > new.txt");
        String second = sbx("checkpoint", "create", sandbox, "-n", "second").out().strip();
        assertThat(sbx("checkpoint", "diff", first, second).out()).contains("+ new.txt", "M app.txt");
        assertThat(sbx("checkpoint", "restore", sandbox, first).exit()).isZero();
        assertThat(sbx("exec", sandbox, "cat app.txt").out()).isEqualTo("v1\n");
        String clone = sbx("checkpoint", "clone", first, "copy").out().strip();
        assertThat(sbx("checkpoint", "ls", "-o", "json").json()).hasSize(3);
        assertThat(sbx("checkpoint", "rm", first, second, clone).exit()).isZero();

        String artifact = sbx("artifact", "push", sandbox, "app.txt", "--as", "kept/app.txt").out().strip();
        assertThat(artifact).startsWith("art_");
        assertThat(sbx("artifact", "ls").out()).contains("kept/app.txt");
        assertThat(sbx("artifact", "pull", sandbox, artifact, "/workspace/copy.txt").exit()).isZero();
        assertThat(sbx("exec", sandbox, "cat copy.txt").out()).isEqualTo("v1\n");
        assertThat(sbx("artifact", "url", artifact).out()).contains("/files/");
        assertThat(sbx("artifact", "rm", artifact).exit()).isZero();

        Run webhook = sbx("webhook", "create", "https://no-such-host.invalid/hook", "--event", "sandbox.created", "-o", "json");
        String hook = webhook.json().path("id").asText();
        assertThat(sbx("webhook", "ls").out()).contains(hook);
        Run test = sbx("webhook", "test", hook);
        assertThat(test.exit()).as("an unreachable receiver").isEqualTo(1);
        assertThat(test.out()).contains("not delivered");
        assertThat(sbx("webhook", "rm", hook).exit()).isZero();

        String key = sbx("keys", "create", "reader", "--scope", "sandbox:read").out().strip();
        assertThat(key).startsWith("sk-sandbox-");
        Run readerExec = sbx("", Map.of("SANDBOX_API_KEY", key), "exec", sandbox, "true");
        assertThat(readerExec.exit()).isEqualTo(1);
        assertThat(readerExec.err()).contains("FORBIDDEN");
        String keyId = Stream.of(sbx("keys", "-o", "json").json()).flatMap(keys -> {
            List<String> ids = new ArrayList<>();
            keys.forEach(k -> {
                if (k.path("name").asText().equals("reader")) {
                    ids.add(k.path("id").asText());
                }
            });
            return ids.stream();
        }).findFirst().orElseThrow();
        assertThat(sbx("keys", "revoke", keyId).exit()).isZero();

        assertThat(sbx("templates").out()).contains("python-basic", "node-basic");
        assertThat(sbx("usage", "-o", "json").json().path("sandbox_creations").asInt()).isPositive();
        Run events = sbx("events", "tail", "--from", "0", "--type", "sandbox.created", "-n", "1", "-o", "json");
        assertThat(JSON.readTree(events.out().strip()).path("sandboxId").asText()).isEqualTo(sandbox);
        assertThat(sbx("ls", "-o", "json").json().path("sandboxes").get(0).path("id").asText()).isEqualTo(sandbox);
        assertThat(sbx("get", sandbox).out()).contains(sandbox, "running");
        assertThat(sbx("generate-completion").out()).contains("complete").contains("sbx");

        Run missing = sbx("get", "sbx_nope");
        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.err()).contains("SANDBOX_NOT_FOUND").contains("sbx ls");
        Run down = sbx("", Map.of("SANDBOX_URL", "http://127.0.0.1:" + ServerProcess.freePort()), "ls");
        assertThat(down.exit()).isEqualTo(1);
        assertThat(down.err()).contains("cannot reach the server").contains("hint:");

        String doomed = sbx("create", "-t", "python-basic").out().strip();
        assertThat(sbx("stop", doomed).exit()).isZero();
        assertThat(sbx("ls", "--all").out()).contains(doomed);
        assertThat(sbx("rm", doomed).exit()).isZero();
    }

    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.filter(p -> !p.equals(root)).map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static Run sbx(String... args) throws Exception {
        return sbx("", Map.of(), args);
    }

    /** Runs bin/sbx with this standard input, as a user whose configuration lives in the test's home. */
    private static Run sbx(String input, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(ServerProcess.HOME.resolve("bin/sbx").toString()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(home, "out", ".txt");
        Path err = Files.createTempFile(home, "err", ".txt");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        Map<String, String> environment = new HashMap<>(env);
        environment.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        builder.environment().remove("SANDBOX_URL");
        builder.environment().remove("SANDBOX_API_KEY");
        builder.environment().putAll(environment);
        Process process = builder.start();
        process.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        process.getOutputStream().close();
        if (!process.waitFor(3, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new AssertionError("sbx " + String.join(" ", args) + " did not finish");
        }
        return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
    }
}
