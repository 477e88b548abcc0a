package com.stateset.sandbox.images;

import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.testing.Infrastructure;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The builder on the real engine, the registry-free way CI builds its images: a debootstrap base
 * (cached), a chroot provisioned from the Debian mirror, an import, a smoke test, the tagging.
 * Needs root, debootstrap, the mirror and the python-basic image, as CI has.
 */
class BuildImagesIT {

    private static final String PREFIX = "stateset-sandbox-it";
    private static final String KEPT = "stateset-sandbox/python-basic:latest";
    private static Engine engine;

    @TempDir
    Path dir;

    @BeforeAll
    static void connect() {
        String unavailable = DebootstrapStrategy.unavailableReason();
        Infrastructure.require(unavailable == null, "the debootstrap strategy (it " + unavailable + ")");
        try {
            engine = Engine.connect();
        } catch (BuildException e) {
            Infrastructure.require(false, "a Docker engine (" + e.getMessage() + ")");
        }
        Infrastructure.require(engine.imageId(KEPT).isPresent(), "the image " + KEPT);
    }

    @AfterAll
    static void removeImages() throws Exception {
        if (engine != null) {
            engine.remove(PREFIX + "/tiny:latest");
            engine.remove(PREFIX + "/broken:latest");
            engine.close();
        }
    }

    @Test
    void aTemplateIsBuiltTestedAndTaggedAndAFailedRebuildKeepsThePreviousImage() throws Exception {
        Path catalog = Files.writeString(dir.resolve("catalog.yaml"), """
                templates:
                  - name: tiny
                    build:
                      smokeTest: echo tiny-checked
                  - name: broken
                    build:
                      packages: [jq]
                      smokeTest: jq --version && echo broken-check-failed && false
                """);
        // A previous broken:latest, which the failed rebuild must leave where it is.
        String previous = engine.imageId(KEPT).orElseThrow();
        engine.tag(KEPT, PREFIX + "/broken", "latest");

        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new BuildImages()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
                .execute("--catalog", catalog.toString(), "--image-prefix", PREFIX, "--strategy", "debootstrap", "--force",
                        "tiny", "broken");

        assertThat(exit).as(out + "\n" + err).isEqualTo(BuildImages.FAILED);
        assertThat(out.toString()).containsPattern("tiny +built +" + PREFIX + "/tiny:latest in \\dm\\d\\ds")
                .containsPattern("broken +FAILED +after \\dm\\d\\ds during 'smoke test' \\(smoke test failed: broken-check-failed\\)");
        assertThat(err.toString()).contains("==> broken: FAILED during 'smoke test'");

        Engine.Run run = engine.run(PREFIX + "/tiny:latest", List.of(), "id -u; pwd; echo \"$HOME $PATH\"; ls /etc/ssl/certs/ca-certificates.crt");
        assertThat(run.output()).isEqualTo("1000\n/workspace\n/home/sandbox /workspace/.local/bin:" + ImageLayout.IMAGE_PATH
                + "\n/etc/ssl/certs/ca-certificates.crt\n");
        assertThat(engine.imageId(PREFIX + "/broken:latest")).contains(previous);
        long pid = ProcessHandle.current().pid();
        for (String left : List.of("tiny:build-" + pid, "broken:build-" + pid)) {
            assertThat(engine.imageId(PREFIX + "/" + left)).as("temporary tag " + left).isEmpty();
        }
    }
}
