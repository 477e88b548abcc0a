package com.stateset.sandbox.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.TerminalSpec;
import com.stateset.sandbox.spi.runtime.TerminalUnavailableException;
import com.stateset.sandbox.testing.SandboxRuntimeContract;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime contract with no agent (runtime.config.agent empty): every command through the
 * engine's exec, the path a sandbox whose agent does not answer falls back to.
 */
class DockerEngineExecIT extends SandboxRuntimeContract {

    private static SandboxRuntime runtime;

    @BeforeAll
    static void connect() {
        DockerTestSupport.requireEngineAndImage(DockerRuntimeIT.IMAGE);
        runtime = new DockerRuntimeFactory().create(new DockerRuntimeConfig().withWorkspaceSize(DockerRuntimeIT.WORKSPACE)
                .withPidsLimit(64).withAgent(""), null);
    }

    @AfterAll
    static void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void commandsRunThroughTheEnginesExec() {
        String id = newSandbox(false);
        assertThat(run(id, List.of("/bin/sh", "-c", "echo $PPID; ls -a / | grep -c stateset"), Map.of(), null).stdout())
                .as("no agent for a parent, and no agent's volume").isEqualTo("0\n0\n");
    }

    @Test
    void thereIsNoTerminalWithoutAnAgent() {
        String id = newSandbox(false);
        assertThatThrownBy(() -> runtime.openTerminal(id, new TerminalSpec(List.of("sh"), Map.of(), null, 24, 80), ExecOutput.DISCARD))
                .isInstanceOf(TerminalUnavailableException.class).hasMessageContaining("agent");
    }

    /** Without an agent there is nothing to keep them. */
    @Override
    protected boolean keepsProcesses() {
        return false;
    }

    /** Without an agent nothing watches. */
    @Override
    protected boolean watchesFiles() {
        return false;
    }

    @Override
    protected SandboxRuntime runtime() {
        return runtime;
    }

    @Override
    protected String image() {
        return DockerRuntimeIT.IMAGE;
    }

    @Override
    protected int sandboxUid() {
        return 1000;
    }

    @Override
    protected long workspaceLimitBytes() {
        return 32L << 20;
    }

    @Override
    protected SandboxRuntime unreachableRuntime() {
        return new DockerRuntimeFactory().create(new DockerRuntimeConfig().withHost("tcp://127.0.0.1:9").withAgent(""), null);
    }
}
