package com.stateset.sandbox.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line, where no engine is needed: usage, errors, printing. */
class BuildImagesTest {

    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return new CommandLine(new BuildImages()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err)).execute(args);
    }

    @Test
    void helpListsTheOptionsAndTheEnvironment() {
        assertThat(run("--help")).isZero();
        assertThat(out.toString()).contains("Usage: build-images", "--strategy", "--force", "--catalog", "--image-prefix",
                "SANDBOX_IMAGE_CACHE", "SANDBOX_DEBIAN_MIRROR", "SANDBOX_DOCKERFILE_BASE", "Exit status");
    }

    @Test
    void anUnknownTemplateOrStrategyIsAUsageError() {
        assertThat(run("python-basic", "cobol-basic")).isEqualTo(BuildImages.USAGE);
        assertThat(err.toString()).contains("unknown template 'cobol-basic'", "valid templates: python-basic node-basic");
        assertThat(run("--strategy", "nix")).isEqualTo(BuildImages.USAGE);
        assertThat(err.toString()).contains("--strategy", "nix", "debootstrap, dockerfile");
        assertThat(run("--image-prefix", "Not A Repository", "--print-dockerfile")).isEqualTo(BuildImages.USAGE);
        assertThat(err.toString()).contains("--image-prefix: 'Not A Repository' is not an image repository");
    }

    @Test
    void aCatalogThatCannotBeUsedIsAUsageErrorNamingWhere() throws Exception {
        assertThat(run("--catalog", dir.resolve("missing.yaml").toString())).isEqualTo(BuildImages.USAGE);
        assertThat(err.toString()).contains("missing.yaml: cannot be read");
        Path bad = Files.writeString(dir.resolve("bad.yaml"), "templates:\n  - name: a\n    build: {packages: [\"a b\"], smokeTest: \"true\"}\n");
        assertThat(run("--catalog", bad.toString())).isEqualTo(BuildImages.USAGE);
        assertThat(err.toString()).contains("bad.yaml: templates[0].build.packages[0]: 'a b' is not a valid value");
    }

    @Test
    void printDockerfileShowsWhatWouldBeBuiltWithoutAnEngine() {
        assertThat(run("--print-dockerfile", "--base-image", "debian:bookworm", "python-basic", "python-basic")).isZero();
        assertThat(out.toString())
                .startsWith("# ---- python-basic: Dockerfile\nFROM debian:bookworm\n")
                .contains("# ---- python-basic: provision.sh (next to the Dockerfile)\n#!/bin/sh\n"
                        + "PACKAGES='ca-certificates python3 python3-pip python3-venv'\n");
        assertThat(out.toString().split("# ---- ")).as("a template named twice is built once").hasSize(3);
    }
}
