package com.stateset.sandbox.images;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImageLayoutTest {

    private static final Recipe NODE = new Recipe("node-basic", List.of("nodejs", "npm"), List.of("left-pad"), true,
            "node --version", List.of());
    private static final Recipe PYTHON = new Recipe("python-basic", List.of("python3"), List.of(), false, "python3 -V", List.of());

    @Test
    void theImageIsProvisionedFromTheBaseAndGivenTheSandboxUserAndEnvironment() {
        assertThat(ImageLayout.dockerfile("debian:bookworm-slim", NODE)).isEqualTo("""
                FROM debian:bookworm-slim
                USER root
                COPY provision.sh /tmp/provision.sh
                RUN sh /tmp/provision.sh && rm -f /tmp/provision.sh
                ENV HOME=/home/sandbox
                ENV PATH=/workspace/.local/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
                ENV LANG=C.UTF-8
                ENV PYTHONUSERBASE=/workspace/.local
                ENV PIP_BREAK_SYSTEM_PACKAGES=1
                ENV NPM_CONFIG_PREFIX=/workspace/.local
                ENV NODE_PATH=/workspace/.local/lib/node_modules:/usr/local/lib/node_modules:/usr/share/nodejs:/usr/lib/nodejs
                WORKDIR /workspace
                USER 1000:1000
                CMD ["sleep","infinity"]
                """);
        assertThat(ImageLayout.instructions(PYTHON)).as("an import's changes").startsWith("ENV HOME=/home/sandbox")
                .endsWith("WORKDIR /workspace", "USER 1000:1000", "CMD [\"sleep\",\"infinity\"]")
                .noneMatch(instruction -> instruction.contains("NODE_PATH"));
    }

    @Test
    void theProvisioningScriptStartsWithTheRecipesValues() {
        String script = ImageLayout.provisionScript(NODE);
        assertThat(script).startsWith("""
                #!/bin/sh
                PACKAGES='ca-certificates nodejs npm'
                NPM_PACKAGES='left-pad'
                SANDBOX_UID='1000'
                SANDBOX_GID='1000'
                SANDBOX_HOME='/home/sandbox'
                """);
        assertThat(script).contains("set -eu", "apt-get install -y --no-install-recommends $PACKAGES",
                "useradd --no-log-init --uid \"$SANDBOX_UID\"", ImageLayout.NOTES);
    }

    @Test
    void theSmokeTestChecksTheServersCommandsAndTheRecipesOwnCheck() {
        assertThat(ImageLayout.smokeTestEnv(NODE)).containsExactly(
                "REQUIRED=sh bash mv mkdir dirname stat tr head dd sleep touch printf cat id grep", "OPTIONAL=",
                "UIDGID=1000:1000", "CHECK=node --version");
        assertThat(ImageLayout.smokeTestScript()).contains("for c in $REQUIRED", "eval \"$CHECK\"");
    }
}
