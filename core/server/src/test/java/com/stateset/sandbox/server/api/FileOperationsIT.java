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
import io.dropwizard.testing.junit5.DropwizardAppExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Listing, finding, making, moving, copying and deleting files in a real sandbox, and the paths refused. */
@ExtendWith({RequireDocker.class, DropwizardExtensionsSupport.class})
class FileOperationsIT {

    static final DropwizardAppExtension<SandboxConfiguration> APP = TestServer.create();
    private static Session session;
    private static String sandbox;
    private static String files;

    @BeforeAll
    static void createSandbox() {
        session = Session.register(APP.getLocalPort(), "Files Org");
        sandbox = session.sandbox(Map.of());
        files = "/api/v1/sandbox/" + sandbox + "/files";
        session.sh(sandbox, "mkdir -p src/pkg docs && echo 'print(1)' > src/app.py && echo x > src/pkg/util.py"
                + " && echo '# readme' > docs/README.md && printf 'tab\\there' > 'docs/odd name\n.txt'"
                + " && ln -s /etc/passwd passwd-link && ln -s /etc etc-link");
    }

    @AfterAll
    static void stop() {
        session.stopAll();
    }

    private static List<String> paths(Reply reply) {
        List<String> paths = new ArrayList<>();
        for (JsonNode entry : reply.body().get("files")) {
            paths.add(entry.get("path").asText());
        }
        return paths;
    }

    private static JsonNode entry(Reply reply, String path) {
        for (JsonNode entry : reply.body().get("files")) {
            if (entry.get("path").asText().equals(path)) {
                return entry;
            }
        }
        throw new AssertionError(path + " not in " + reply.raw());
    }

    @Test
    void listShowsOneDirectoryOrATreeWithTypesSizesAndTimes() {
        Reply top = session.get(files + "/list");
        assertThat(top.status()).as(top.raw()).isEqualTo(200);
        assertThat(top.text("/path")).isEqualTo("/workspace");
        assertThat(paths(top)).contains("/workspace/src", "/workspace/docs", "/workspace/passwd-link")
                .doesNotContain("/workspace/src/app.py");
        assertThat(entry(top, "/workspace/src").get("type").asText()).isEqualTo("directory");
        JsonNode link = entry(top, "/workspace/passwd-link");
        assertThat(link.get("type").asText()).isEqualTo("symlink");
        assertThat(link.get("link_target").asText()).isEqualTo("/etc/passwd");
        assertThat(top.body().get("truncated").asBoolean()).isFalse();

        Reply tree = session.get(files + "/list?path=/workspace/src&recursive=true");
        assertThat(paths(tree)).containsExactlyInAnyOrder("/workspace/src/app.py", "/workspace/src/pkg", "/workspace/src/pkg/util.py");
        JsonNode app = entry(tree, "/workspace/src/app.py");
        assertThat(app.get("name").asText()).isEqualTo("app.py");
        assertThat(app.get("type").asText()).isEqualTo("file");
        assertThat(app.get("size").asLong()).isEqualTo(9);
        assertThat(app.get("mode").asText()).isEqualTo("644");
        assertThat(Instant.parse(app.get("modified_at").asText())).isAfter(Instant.now().minusSeconds(600));

        Reply odd = session.get(files + "/list?path=docs");
        assertThat(paths(odd)).as("names with tabs and newlines survive").contains("/workspace/docs/odd name\n.txt");
    }

    @Test
    void globMatchesAtAnyDepthFromItsLiteralDirectory() {
        Reply python = session.post(files + "/glob", Map.of("pattern", "**/*.py"));
        assertThat(python.status()).as(python.raw()).isEqualTo(200);
        assertThat(paths(python)).containsExactlyInAnyOrder("/workspace/src/app.py", "/workspace/src/pkg/util.py");
        assertThat(paths(session.post(files + "/glob", Map.of("pattern", "src/*.py")))).containsExactly("/workspace/src/app.py");
        assertThat(paths(session.post(files + "/glob", Map.of("pattern", "/workspace/docs/*.{md,txt}"))))
                .containsExactlyInAnyOrder("/workspace/docs/README.md", "/workspace/docs/odd name\n.txt");
        assertThat(paths(session.post(files + "/glob", Map.of("pattern", "*.rs")))).isEmpty();
        assertField(session.post(files + "/glob", Map.of("pattern", "")), 400, "pattern");
        assertField(session.post(files + "/glob", Map.of("pattern", "../**")), 400, "pattern");
        assertField(session.post(files + "/glob", Map.of("pattern", "/etc/*")), 400, "pattern");
        assertField(session.post(files + "/glob", Map.of("pattern", "src/[a")), 400, "pattern");
    }

    @Test
    void mkdirMoveCopyAndDeleteWorkAsTheSandboxUser() {
        assertThat(session.post(files + "/mkdir", Map.of("path", "/workspace/made/deep/er")).status()).isEqualTo(200);
        assertThat(session.sh(sandbox, "stat -c %U /workspace/made/deep/er")).isEqualTo("sandbox\n");
        Reply again = session.post(files + "/mkdir", Map.of("path", "/workspace/made/deep/er"));
        assertThat(again.status()).as("recursive mkdir of an existing directory is fine").isEqualTo(200);
        Reply noParents = session.post(files + "/mkdir", Map.of("path", "/workspace/none/child", "recursive", false));
        assertThat(noParents.status()).isEqualTo(404);
        assertThat(session.post(files + "/mkdir", Map.of("path", "/workspace/made", "recursive", false)).status()).isEqualTo(409);

        session.sh(sandbox, "echo moved > /workspace/made/m.txt && echo copied > /workspace/made/c.txt");
        Reply moved = session.post(files + "/move", Map.of("source", "/workspace/made/m.txt", "destination", "/tmp/out/m.txt"));
        assertThat(moved.status()).as(moved.raw()).isEqualTo(200);
        assertThat(session.sh(sandbox, "cat /tmp/out/m.txt; test -e /workspace/made/m.txt || echo gone")).isEqualTo("moved\ngone\n");

        Reply copied = session.post(files + "/copy", Map.of("source", "/workspace/made", "destination", "/workspace/made-copy"));
        assertThat(copied.status()).as(copied.raw()).isEqualTo(200);
        assertThat(session.sh(sandbox, "cat /workspace/made-copy/c.txt /workspace/made/c.txt; test -d /workspace/made-copy/deep/er && echo tree"))
                .isEqualTo("copied\ncopied\ntree\n");
        Reply exists = session.post(files + "/copy", Map.of("source", "/workspace/made/c.txt", "destination", "/tmp/out/m.txt"));
        assertThat(exists.status()).isEqualTo(409);
        assertThat(exists.text("/error/details/field")).isEqualTo("destination");
        assertThat(session.post(files + "/copy", Map.of("source", "/workspace/made/c.txt", "destination", "/tmp/out/m.txt",
                "overwrite", true)).status()).isEqualTo(200);
        assertThat(session.sh(sandbox, "cat /tmp/out/m.txt")).isEqualTo("copied\n");

        Reply notEmpty = deleteWithBody(Map.of("path", "/workspace/made-copy"));
        assertField(notEmpty, 400, "recursive");
        Reply deleted = deleteWithBody(Map.of("path", "/workspace/made-copy", "recursive", true));
        assertThat(deleted.status()).as(deleted.raw()).isEqualTo(200);
        assertThat(session.delete(files + "?path=/tmp/out/m.txt").status()).as("path as a query parameter").isEqualTo(200);
        assertThat(session.sh(sandbox, "ls /workspace/made-copy /tmp/out/m.txt 2>&1 | wc -l")).isEqualTo("2\n");
        assertThat(session.delete(files + "?path=/workspace/never-was").status()).isEqualTo(404);
    }

    @Test
    void linksAreMovedAndCopiedAsLinksAndNeverFollowedOutOfTheWritableAreas() {
        Reply copied = session.post(files + "/copy", Map.of("source", "/workspace/passwd-link", "destination", "/workspace/link-copy"));
        assertThat(copied.status()).as(copied.raw()).isEqualTo(200);
        assertThat(session.sh(sandbox, "readlink /workspace/link-copy")).as("the link, not /etc/passwd").isEqualTo("/etc/passwd\n");

        for (String through : List.of("/workspace/etc-link/passwd", "/workspace/etc-link/new-dir")) {
            assertField(session.post(files + "/copy", Map.of("source", through, "destination", "/workspace/stolen")), 400, "source");
            assertField(session.post(files + "/move", Map.of("source", "/workspace/src/app.py", "destination", through)),
                    400, "destination");
            assertField(session.post(files + "/mkdir", Map.of("path", through)), 400, "path");
            assertField(deleteWithBody(Map.of("path", through)),
                    400, "path");
        }
        assertField(session.get(files + "/list?path=/workspace/etc-link"), 400, "path");
        assertThat(session.sh(sandbox, "ls /workspace/stolen 2>&1 | wc -l; cat /workspace/src/app.py")).isEqualTo("1\nprint(1)\n");
    }

    @Test
    void pathsOutsideTheWritableAreasAreRefusedAsTheFileApiRefusesThem() {
        for (String bad : List.of("/etc/passwd", "/workspace/../etc/passwd", "/workspace/a\u0000b", "")) {
            assertField(session.post(files + "/mkdir", Map.of("path", bad)), 400, "path");
            assertField(session.post(files + "/move", Map.of("source", bad, "destination", "/workspace/x")), 400, "source");
            assertField(session.post(files + "/copy", Map.of("source", "/workspace/src/app.py", "destination", bad)), 400, "destination");
        }
        assertField(session.post(files + "/move", Map.of("source", "/workspace/src", "destination", "/workspace/src/inner")),
                400, "destination");
        assertField(session.post(files + "/mkdir", Map.of("path", "/workspace")), 400, "path");
        assertField(session.get(files + "/list?path=/proc"), 400, "path");
        assertField(session.get(files + "/list?path=/workspace/src&recursive=maybe"), 400, "recursive");
        assertField(session.get(files + "/list?path=/workspace/src/app.py"), 409, "path"); // a file, not a directory
        assertThat(session.get(files + "/list?path=/workspace/nothing").status()).isEqualTo(404);
        assertThat(session.get("/api/v1/sandbox/sbx_missing/files/list").status()).isEqualTo(404);
    }

    private static Reply deleteWithBody(Map<String, Object> body) {
        return session.api().send("DELETE", files, ApiClient.json(body), "X-API-Key", session.key());
    }
}
