package com.stateset.sandbox.docker;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.Isolations;
import com.stateset.sandbox.spi.runtime.RuntimeState;
import com.stateset.sandbox.spi.runtime.SandboxFileException;
import com.stateset.sandbox.spi.runtime.SandboxLabels;
import com.stateset.sandbox.spi.runtime.SandboxRecoveringException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.docker.DockerTestSupport.Answer;
import com.stateset.sandbox.spi.runtime.SandboxSpec;
import com.stateset.sandbox.testing.Tars;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Sandboxes of {@code gvisor} isolation on the real engine, which must have runsc registered as the
 * README shows (with {@code --network=none}); the runtime is configured as an operator makes gVisor
 * the default ({@code ociRuntime: runsc}).
 */
class DockerGvisorIT {

    private static SandboxRuntime runtime;
    private final List<String> created = new ArrayList<>();

    @BeforeAll
    static void connect() {
        DockerTestSupport.requireGvisor(DockerRuntimeIT.IMAGE);
        runtime = new DockerRuntimeFactory().create(new DockerRuntimeConfig()
                .withOciRuntime("runsc").withWorkspaceSize("32Mi").withPidsLimit(64).withAgent(DockerTestSupport.AGENT), null);
    }

    @Test
    void gvisorIsTheOnlyIsolationWhenItIsTheOciRuntime() {
        assertThat(runtime.isolations()).as("ociRuntime: runsc puts every sandbox under gVisor").containsExactly(Isolations.GVISOR);
        SandboxRuntime both = new DockerRuntimeFactory().create(new DockerRuntimeConfig().withDefaultIsolation("gvisor"), null);
        try {
            assertThat(both.isolations()).containsExactly(Isolations.GVISOR, Isolations.CONTAINER);
        } finally {
            both.close();
        }
        SandboxRuntime gvisorOnly = new DockerRuntimeFactory().create(new DockerRuntimeConfig().withIsolations(List.of("gvisor"))
                .withDefaultIsolation("gvisor"), null);
        try {
            assertThat(gvisorOnly.isolations()).containsExactly(Isolations.GVISOR);
        } finally {
            gvisorOnly.close();
        }
    }

    @AfterAll
    static void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @AfterEach
    void remove() {
        created.forEach(runtime::remove);
    }

    private String sandbox(boolean network) {
        return sandbox(network, 256L << 20);
    }

    private String sandbox(boolean network, long memoryBytes) {
        String id = "sbx_gvisor" + System.nanoTime();
        runtime.create(new SandboxSpec(id, DockerRuntimeIT.IMAGE, 500, memoryBytes, Map.of(), network,
                Map.of(SandboxLabels.SANDBOX_ID, id, SandboxLabels.INSTALL_ID, "gvisor-test"), Isolations.GVISOR));
        created.add(id);
        assertThat(runtime.start(id).state()).isEqualTo(RuntimeState.RUNNING);
        return id;
    }

    private static String out(String id, String command) {
        return run(id, command, Duration.ofSeconds(60)).stdout();
    }


    private static Answer run(String id, String command, Duration timeout) {
        return DockerTestSupport.run(runtime, id, command, timeout);
    }

    @Test
    void commandsRunHardenedUnderTheGvisorKernel() {
        String id = sandbox(true);
        assertThat(out(id, "dmesg")).contains("gVisor");
        assertThat(out(id, "tr '\\0' ' ' < /proc/$PPID/cmdline")).as("run by the agent").isEqualTo("/.stateset/stateset-agent keeper ");
        assertThat(out(id, "id -u; grep CapEff /proc/self/status")).startsWith("1000\n").containsPattern("CapEff:\\s+0000000000000000");
        assertThat(out(id, "touch /usr/evil 2>/dev/null || echo read-only")).isEqualTo("read-only\n");
        assertThat(out(id, "touch /workspace/a /tmp/a \"$HOME/a\" && echo writable")).isEqualTo("writable\n");
        assertThat(out(id, "cat /proc/net/dev")).as("no network under runsc --network=none, even when asked").doesNotContain("eth0");
    }

    @Test
    void timeoutsKillAndFullDisksGiveNoSpace() {
        String id = sandbox(false);
        assertThat(run(id, "sleep 300", Duration.ofSeconds(2)).result()).isEqualTo(ExecResult.timeout());
        assertThat(out(id, "dd if=/dev/zero of=/workspace/fill bs=1M count=64 2>&1; echo exit=$?"))
                .contains("No space left on device").contains("exit=1");
    }

    @Test
    void forkBombIsContainedAndTheSandboxRecovers() {
        // Memory enough for the pids limit to stop the bomb first: under gVisor one kernel holds
        // every process, so a bomb that reached the memory limit instead would end the whole sandbox
        // (an OOM, not what this test is about).
        String id = sandbox(false, 1L << 30);
        String other = sandbox(false);
        Answer bomb = run(id, "bomb() { bomb | bomb & }; (bomb); exec sleep 30", Duration.ofSeconds(5));
        assertThat(bomb.result().timedOut()).isTrue();
        assertThat(out(other, "echo unharmed")).isEqualTo("unharmed\n");
        assertThat(runtime.inspect(id).orElseThrow().state()).isEqualTo(RuntimeState.RUNNING);
        // gVisor gives the killed processes' slots back later than Linux does (a minute with the
        // host's cores busy): until then the sandbox refuses commands (nothing runs), and then none
        // of the bomb is left.
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofSeconds(1)).ignoreException(SandboxRecoveringException.class)
                .untilAsserted(() -> {
                    assertThat(out(id, "echo recovered")).isEqualTo("recovered\n");
                    assertThat(out(id, "n=0; for d in /proc/[0-9]*; do case \"$(tr '\\0' ' ' < $d/cmdline)\" in"
                            + " '/.stateset/stateset-agent serve '|'/.stateset/stateset-agent keeper ') ;; *) n=$((n + 1)) ;; esac; done; echo $n").strip())
                            .as("processes left besides the agent: init, supervisor, its sleep, this shell").isEqualTo("4");
                });
    }

    @Test
    void filesRoundTripAsTheSandboxUser() {
        String id = sandbox(false);
        runtime.writeArchive(id, Tars.files(Map.of("workspace/src/app.py", "print(2+2)\n".getBytes(UTF_8))));
        // This runsc's statx answers EINVAL, so coreutils' stat and ls -l cannot be used here; Python's stat can.
        assertThat(out(id, "python3 /workspace/src/app.py; python3 -c 'import os; s = os.stat(\"/workspace/src/app.py\"); print(s.st_uid, oct(s.st_mode & 0o777))'"))
                .isEqualTo("4\n1000 0o644\n");
        assertThat(new String(Tars.read(runtime.readArchive(id, "/workspace/src/app.py")).get("app.py"), UTF_8)).isEqualTo("print(2+2)\n");
        out(id, "ln -s /etc /workspace/etc");
        assertThatThrownBy(() -> runtime.writeArchive(id, Tars.files(Map.of("workspace/etc/evil", new byte[1]))))
                .isInstanceOf(SandboxFileException.class);
    }
}
