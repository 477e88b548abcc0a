package com.stateset.sandbox.server.api;

import static com.stateset.sandbox.server.api.AuthApiIT.assertField;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.server.SandboxConfiguration;
import com.stateset.sandbox.server.testing.ApiClient.Reply;
import com.stateset.sandbox.server.testing.ApiClient;
import com.stateset.sandbox.server.testing.RequireDocker;
import com.stateset.sandbox.server.testing.Session;
import com.stateset.sandbox.server.testing.TestServer;
import io.dropwizard.testing.ConfigOverride;
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The Checkpoints table of API.md, end to end: real containers, the built-in local store on disk. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class CheckpointApiIT {

    private static final Path STORE = Session.tempDirectory("checkpoint-store");
    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create(
            ConfigOverride.config("storage.config.root", STORE.toString()));
    private static Session session;
    private static ApiClient api;

    @BeforeAll
    static void register() {
        session = Session.register(APP.getLocalPort(), "Checkpoint Org");
        api = session.api();
    }

    @AfterAll
    static void cleanUp() {
        session.stopAll();
    }

    @Test
    void saveBreakRestoreCloneAndFork() {
        String sandbox = sandbox(Map.of("env", Map.of("STAGE", "installed")));
        sh(sandbox, "mkdir -p node_modules/left-pad/bin node_modules/.bin src"
                + " && echo 'module.exports = 1' > node_modules/left-pad/index.js"
                + " && printf '#!/bin/sh\\necho padded\\n' > node_modules/left-pad/bin/pad && chmod 755 node_modules/left-pad/bin/pad"
                + " && ln -s ../left-pad/bin/pad node_modules/.bin/pad"
                + " && echo 'print(1)' > src/app.py && ln src/app.py src/hard.py && ln -s /etc/passwd passwd-link");

        Reply saved = post("/api/v1/sandbox/" + sandbox + "/checkpoints",
                Map.of("name", "after-npm-install", "description", "deps in", "include_env", true));
        assertThat(saved.status()).as(saved.raw()).isEqualTo(200);
        JsonNode checkpoint = saved.body();
        String id = checkpoint.get("id").asText();
        assertThat(id).startsWith("chk_");
        assertThat(checkpoint.get("sandbox_id").asText()).isEqualTo(sandbox);
        assertThat(checkpoint.get("org_id").asText()).startsWith("org_");
        assertThat(checkpoint.get("name").asText()).isEqualTo("after-npm-install");
        assertThat(checkpoint.get("description").asText()).isEqualTo("deps in");
        assertThat(checkpoint.get("size").asLong()).isPositive();
        assertThat(checkpoint.get("file_count").asInt()).isEqualTo(11);
        assertThat(checkpoint.get("checksum").asText()).matches("[0-9a-f]{64}");
        assertThat(checkpoint.get("created_at").asText()).endsWith("Z");
        assertThat(checkpoint.get("metadata").isObject()).isTrue();
        assertThat(saved.raw()).doesNotContain("installed").as("env values are never returned");
        assertThat(get("/api/v1/checkpoints/" + id).body().get("checksum").asText()).isEqualTo(checkpoint.get("checksum").asText());
        assertThat(get("/api/v1/checkpoints?sandbox_id=" + sandbox).body().get("checkpoints"))
                .extracting(c -> c.get("id").asText()).containsExactly(id);

        sh(sandbox, "rm -rf node_modules passwd-link && echo broken > src/app.py");
        assertThat(post("/api/v1/sandbox/" + sandbox + "/checkpoints/restore", Map.of("checkpoint_id", id)).status()).isEqualTo(200);
        assertThat(sh(sandbox, "node_modules/.bin/pad; cat src/app.py; readlink passwd-link; stat -c %h src/hard.py"))
                .isEqualTo("padded\nprint(1)\n/etc/passwd\n2\n");

        sh(sandbox, "echo kept > src/app.py && rm node_modules/left-pad/index.js");
        post("/api/v1/sandbox/" + sandbox + "/checkpoints/restore", Map.of("checkpoint_id", id, "overwrite", false));
        assertThat(sh(sandbox, "cat src/app.py node_modules/left-pad/index.js")).isEqualTo("kept\nmodule.exports = 1\n");

        Reply clone = post("/api/v1/checkpoints/" + id + "/clone", Map.of("name", "feature-branch-base"));
        assertThat(clone.status()).as(clone.raw()).isEqualTo(200);
        String cloneId = clone.text("/id");
        assertThat(cloneId).isNotEqualTo(id);
        assertThat(clone.text("/name")).isEqualTo("feature-branch-base");
        assertThat(clone.text("/checksum")).isEqualTo(checkpoint.get("checksum").asText());
        assertThat(delete("/api/v1/checkpoints/" + id).status()).isEqualTo(200);
        assertThat(get("/api/v1/checkpoints/" + id).status()).isEqualTo(404);

        Reply fork = post("/api/v1/sandbox/create", Map.of("checkpoint_id", cloneId, "env", Map.of("EXTRA", "1")));
        assertThat(fork.status()).as(fork.raw()).isEqualTo(200);
        assertThat(fork.text("/status")).isEqualTo("running");
        assertThat(fork.body().get("env_keys")).extracting(JsonNode::asText).containsExactly("EXTRA", "STAGE");
        String forked = fork.text("/id");
        assertThat(sh(forked, "node_modules/.bin/pad; cat src/app.py; echo $STAGE")).isEqualTo("padded\nprint(1)\ninstalled\n");
    }

    @Test
    void restoreEnvAndSelectedPaths() {
        String sandbox = sandbox(Map.of("env", Map.of("TOKEN_NAME", "alpha")));
        sh(sandbox, "mkdir -p src logs node_modules/x && echo a > src/a.py && echo log > logs/run.log"
                + " && echo dep > node_modules/x/i.js && echo top > top.txt");
        Reply partial = post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "src-only",
                "include_paths", List.of("src", "/workspace/logs"), "exclude_paths", List.of("*.log"), "include_env", true));
        assertThat(partial.status()).as(partial.raw()).isEqualTo(200);
        assertThat(partial.body().get("file_count").asInt()).as("src, src/a.py, logs").isEqualTo(3);

        String other = sandbox(Map.of());
        Reply restored = post("/api/v1/sandbox/" + other + "/checkpoints/restore",
                Map.of("checkpoint_id", partial.text("/id"), "restore_env", true));
        assertThat(restored.status()).as(restored.raw()).isEqualTo(200);
        assertThat(sh(other, "find . | sort; echo $TOKEN_NAME")).isEqualTo(".\n./logs\n./src\n./src/a.py\nalpha\n");

        assertThat(restored.body().get("env_restored").asBoolean()).isTrue();
        assertThat(restored.body().get("files_restored").asBoolean()).isTrue();

        // Saved without its environment: the files come back, no variable does, and the answer says so.
        sh(sandbox, "echo again > top.txt");
        Reply noEnv = post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "no-env"));
        Reply withoutEnv = post("/api/v1/sandbox/" + other + "/checkpoints/restore",
                Map.of("checkpoint_id", noEnv.text("/id"), "restore_env", true));
        assertThat(withoutEnv.status()).as(withoutEnv.raw()).isEqualTo(200);
        assertThat(withoutEnv.body().get("env_restored").asBoolean()).isFalse();
        assertThat(sh(other, "cat top.txt; echo $TOKEN_NAME")).isEqualTo("again\nalpha\n");
    }

    @Test
    void compareNamesAddedRemovedAndModifiedFiles() {
        String sandbox = sandbox(Map.of("env", Map.of("KEEP", "1", "CHANGE", "a", "DROP", "x")));
        sh(sandbox, "echo same > same.txt && echo one > changed.txt && echo bye > removed.txt");
        String first = post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "one", "include_env", true)).text("/id");
        sh(sandbox, "echo two > changed.txt && rm removed.txt && mkdir new && echo hi > new/added.txt");
        String second = post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "two", "include_env", true)).text("/id");

        Reply compared = post("/api/v1/checkpoints/compare", Map.of("checkpoint_id_1", first, "checkpoint_id_2", second));
        assertThat(compared.status()).as(compared.raw()).isEqualTo(200);
        assertThat(compared.body().get("added")).extracting(JsonNode::asText).containsExactly("new", "new/added.txt");
        assertThat(compared.body().get("removed")).extracting(JsonNode::asText).containsExactly("removed.txt");
        assertThat(compared.body().get("modified")).extracting(JsonNode::asText).containsExactly("changed.txt");
        assertThat(compared.body().get("unchanged_count").asInt()).isEqualTo(1);
        assertThat(compared.body().get("env_changes").get("modified")).isEmpty();

        assertField(post("/api/v1/checkpoints/compare", Map.of("checkpoint_id_1", first)), 400, "checkpoint_id_2");
        assertThat(post("/api/v1/checkpoints/compare", Map.of("checkpoint_id_1", first, "checkpoint_id_2", "chk_nope"))
                .errorCode()).isEqualTo("CHECKPOINT_NOT_FOUND");
    }

    @Test
    void badRequestsNameTheFieldAndOtherOrganizationsSeeNothing() {
        String sandbox = sandbox(Map.of());
        assertField(post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of()), 400, "name");
        assertField(post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "x", "include_paths", List.of("../etc"))),
                400, "include_paths[0]");
        assertField(post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "x", "exclude_paths", List.of("/etc"))),
                400, "exclude_paths[0]");
        assertField(post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "x", "exclude_paths", List.of("[a-"))),
                400, "exclude_paths[0]");
        assertField(post("/api/v1/sandbox/" + sandbox + "/checkpoints/restore", Map.of()), 400, "checkpoint_id");
        assertThat(post("/api/v1/sandbox/sbx_missing/checkpoints", Map.of("name", "x")).errorCode()).isEqualTo("SANDBOX_NOT_FOUND");
        assertThat(post("/api/v1/sandbox/create", Map.of("checkpoint_id", "chk_missing")).status()).isEqualTo(404);

        String id = post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "mine")).text("/id");
        String stranger = api.register("Stranger Org");
        String theirs = api.post("/api/v1/sandbox/create", Map.of(), "X-API-Key", stranger).text("/id");
        try {
            for (Reply reply : List.of(
                    api.get("/api/v1/checkpoints/" + id, "X-API-Key", stranger),
                    api.post("/api/v1/sandbox/" + theirs + "/checkpoints/restore", Map.of("checkpoint_id", id), "X-API-Key", stranger),
                    api.post("/api/v1/checkpoints/" + id + "/clone", Map.of("name", "stolen"), "X-API-Key", stranger),
                    api.post("/api/v1/sandbox/create", Map.of("checkpoint_id", id), "X-API-Key", stranger),
                    api.delete("/api/v1/checkpoints/" + id, "X-API-Key", stranger))) {
                assertThat(reply.status()).as(reply.raw()).isEqualTo(404);
            }
            assertThat(api.get("/api/v1/checkpoints", "X-API-Key", stranger).body().get("checkpoints")).isEmpty();
        } finally {
            api.post("/api/v1/sandbox/" + theirs + "/stop", "", "X-API-Key", stranger);
        }
        assertThat(get("/api/v1/checkpoints/" + id).status()).isEqualTo(200);
    }

    @Test
    void hostileCheckpointArchivesAreRefusedAndNothingIsWritten() throws IOException {
        String sandbox = sandbox(Map.of());
        Map<String, Consumer<TarArchiveOutputStream>> attacks = new HashMap<>();
        attacks.put("climbs out", tar -> file(tar, "../../escape.txt"));
        attacks.put("absolute", tar -> file(tar, "/tmp/absolute.txt"));
        attacks.put("device", tar -> special(tar, "dev-null", TarArchiveEntry.LF_CHR, null));
        attacks.put("fifo", tar -> special(tar, "pipe", TarArchiveEntry.LF_FIFO, null));
        attacks.put("hard link out", tar -> special(tar, "passwd", TarArchiveEntry.LF_LINK, "../../etc/passwd"));
        attacks.put("hard link to a missing file", tar -> special(tar, "shadow", TarArchiveEntry.LF_LINK, "etc/shadow"));
        attacks.put("through a link", tar -> {
            special(tar, "etc", TarArchiveEntry.LF_SYMLINK, "/etc");
            file(tar, "etc/evil");
        });

        for (Map.Entry<String, Consumer<TarArchiveOutputStream>> attack : attacks.entrySet()) {
            JsonNode checkpoint = post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", attack.getKey())).body();
            Path object = STORE.resolve("objects").resolve("checkpoints").resolve(checkpoint.get("org_id").asText())
                    .resolve(checkpoint.get("id").asText()).resolve("workspace.tar.gz");
            Files.write(object, gzipTar(tar -> {
                file(tar, "first.txt");
                attack.getValue().accept(tar);
            }));
            Reply refused = post("/api/v1/sandbox/" + sandbox + "/checkpoints/restore", Map.of("checkpoint_id", checkpoint.get("id").asText()));
            assertThat(refused.status()).as(attack.getKey() + ": " + refused.raw()).isEqualTo(422);
            assertField(refused, 422, "checkpoint_id");
            assertThat(sh(sandbox, "ls -A /workspace; ls /tmp; [ -e /etc/evil ] && echo evil; echo end"))
                    .as(attack.getKey()).isEqualTo("end\n");
        }

        JsonNode checkpoint = post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "tampered")).body();
        Path object = STORE.resolve("objects").resolve("checkpoints").resolve(checkpoint.get("org_id").asText())
                .resolve(checkpoint.get("id").asText()).resolve("workspace.tar.gz");
        Files.write(object, gzipTar(tar -> file(tar, "innocent.txt")));
        Reply tampered = post("/api/v1/sandbox/" + sandbox + "/checkpoints/restore", Map.of("checkpoint_id", checkpoint.get("id").asText()));
        assertThat(tampered.status()).as(tampered.raw()).isEqualTo(422);
        assertThat(tampered.raw()).contains("checksum");
        assertThat(sh(sandbox, "ls -A /workspace; echo end")).isEqualTo("end\n");

        // Damaged rather than altered: cut short, its compression broken. No retry cures it: 422, not 500.
        JsonNode damaged = post("/api/v1/sandbox/" + sandbox + "/checkpoints", Map.of("name", "damaged")).body();
        Path damagedObject = STORE.resolve("objects").resolve("checkpoints").resolve(damaged.get("org_id").asText())
                .resolve(damaged.get("id").asText()).resolve("workspace.tar.gz");
        byte[] whole = gzipTar(tar -> file(tar, "cut.txt"));
        Files.write(damagedObject, java.util.Arrays.copyOf(whole, whole.length / 2));
        Reply cut = post("/api/v1/sandbox/" + sandbox + "/checkpoints/restore", Map.of("checkpoint_id", damaged.get("id").asText()));
        assertField(cut, 422, "checkpoint_id");
        assertThat(cut.raw()).contains("damaged");
        Path manifest = damagedObject.resolveSibling("manifest.json.gz");
        Files.write(manifest, "not gzip at all".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        Reply compared = post("/api/v1/checkpoints/compare", Map.of("checkpoint_id_1", damaged.get("id").asText(),
                "checkpoint_id_2", checkpoint.get("id").asText()));
        assertField(compared, 422, "checkpoint_id");
        assertThat(sh(sandbox, "ls -A /workspace; echo end")).isEqualTo("end\n");
    }

    private static String sandbox(Map<String, Object> body) {
        return session.sandbox(body);
    }

    private static String sh(String sandbox, String script) {
        return session.sh(sandbox, script);
    }

    private static Reply post(String path, Object body) {
        return session.post(path, body);
    }

    private static Reply get(String path) {
        return session.get(path);
    }

    private static Reply delete(String path) {
        return session.delete(path);
    }

    private static byte[] gzipTar(Consumer<TarArchiveOutputStream> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (OutputStream gzip = new GZIPOutputStream(bytes); TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            entries.accept(tar);
        }
        return bytes.toByteArray();
    }

    private static void file(TarArchiveOutputStream tar, String name) {
        try {
            byte[] content = "x".getBytes(StandardCharsets.UTF_8);
            TarArchiveEntry entry = new TarArchiveEntry(name, true);
            entry.setSize(content.length);
            tar.putArchiveEntry(entry);
            tar.write(content);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void special(TarArchiveOutputStream tar, String name, byte kind, String link) {
        try {
            TarArchiveEntry entry = new TarArchiveEntry(name, kind, true);
            if (link != null) {
                entry.setLinkName(link);
            }
            tar.putArchiveEntry(entry);
            tar.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
