package com.stateset.sandbox.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.model.Capability;
import com.github.dockerjava.api.model.HostConfig;
import com.stateset.sandbox.spi.runtime.Isolations;
import com.stateset.sandbox.spi.runtime.RuntimeState;
import com.stateset.sandbox.spi.runtime.SandboxLabels;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxSpec;
import com.stateset.sandbox.testing.SandboxRuntimeContract;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The runtime contract against the real Docker engine of this machine, commands through the agent. */
class DockerRuntimeIT extends SandboxRuntimeContract {

    static final String IMAGE = System.getProperty("sandbox.test.image", "stateset-sandbox/python-basic:latest");
    static final String WORKSPACE = "32Mi";
    private static SandboxRuntime runtime;

    @BeforeAll
    static void connect() {
        DockerTestSupport.requireEngineImageAndAgent(IMAGE);
        runtime = new DockerRuntimeFactory().create(new DockerRuntimeConfig().withWorkspaceSize(WORKSPACE).withPidsLimit(64)
                .withAgent(DockerTestSupport.AGENT), null);
    }

    @AfterAll
    static void close() {
        if (runtime != null) {
            runtime.close();
        }
    }

    @Test
    void commandsRunThroughTheAgentFromItsReadOnlyVolume() {
        String id = newSandbox(false);
        assertThat(run(id, List.of("/bin/sh", "-c", "tr '\\0' ' ' < /proc/$PPID/cmdline"), Map.of(), null).stdout())
                .isEqualTo("/.stateset/stateset-agent keeper ");
        assertThat(run(id, List.of("/bin/sh", "-c", "cp /bin/true /.stateset/stateset-agent 2>&1; rm -f /.stateset/stateset-agent 2>&1;"
                + " ls -ln /.stateset"), Map.of(), null).stdout())
                .contains("Read-only file system").containsPattern("-rwxr-xr-x +1 0 +0 .* stateset-agent");
    }

    /** How the contract's rules look in Docker's terms: the hardening flags and the disk mechanism. */
    @Test
    void containersAreHardenedAndTheirDisksAreCappedTmpfsVolumes() throws Exception {
        String id = newSandbox(false);
        try (DockerClient docker = DockerClients.connect(new DockerRuntimeConfig())) {
            InspectContainerResponse container = docker.inspectContainerCmd(id).exec();
            HostConfig host = container.getHostConfig();
            assertThat(container.getConfig().getUser()).as("the supervisor's; commands run as 1000").isEqualTo("0:0");
            assertThat(host.getReadonlyRootfs()).isTrue();
            assertThat(host.getCapDrop()).containsExactly(Capability.ALL);
            assertThat(host.getCapAdd()).as("the supervisor's only one").containsExactly(Capability.KILL);
            assertThat(host.getSecurityOpts()).contains("no-new-privileges");
            assertThat(host.getInit()).isTrue();
            assertThat(host.getPidsLimit()).isEqualTo(64L);
            assertThat(host.getNanoCPUs()).isEqualTo(500_000_000L);
            long disk = (32L << 20) + (256L << 20) + (128L << 20);
            assertThat(host.getMemory()).isEqualTo((256L << 20) + disk);
            assertThat(host.getMemorySwap()).as("swap off").isEqualTo(host.getMemory());
            assertThat(host.getNetworkMode()).isEqualTo("none");
            assertThat(host.getBinds()).as("no host paths").isNullOrEmpty();
            assertThat(host.getPrivileged()).isFalse();
            var writable = container.getMounts().stream().filter(m -> !m.getDestination().getPath().equals("/.stateset")).toList();
            assertThat(writable).hasSize(3).allSatisfy(m -> {
                assertThat(m.getDriver()).isEqualTo("local");
                assertThat(m.getName()).as("anonymous volume").isNotNull();
                assertThat(m.getRW()).isTrue();
            });
            assertThat(container.getMounts()).as("and the agent's, read-only").hasSize(4)
                    .filteredOn(m -> m.getDestination().getPath().equals("/.stateset")).singleElement()
                    .satisfies(m -> {
                        assertThat(m.getName()).startsWith("stateset-agent-");
                        assertThat(m.getRW()).isFalse();
                    });
            for (var mount : writable) {
                Map<String, String> options = docker.inspectVolumeCmd(mount.getName()).exec().getOptions();
                assertThat(options).containsEntry("type", "tmpfs").hasEntrySatisfying("o", o -> assertThat(o).contains("size="));
            }
        }
        assertThat(run(id, List.of("stat", "-f", "-c", "%T", "/workspace", "/tmp"), Map.of(), null).stdout())
                .isEqualTo("tmpfs\ntmpfs\n");
    }

    /**
     * The supervisor ends the sandbox at its longest lifetime with nothing of the server's running,
     * and the sandbox's user can neither stop nor kill it to live on.
     */
    @Test
    void aSandboxEndsAtItsLongestLifetimeByItselfAndItsUserCannotStopThat() {
        String id = "sbx_deadline" + hex(8);
        runtime.create(new SandboxSpec(id, IMAGE, 500, 256L << 20, Map.of(), false, Map.of(SandboxLabels.SANDBOX_ID, id,
                SandboxLabels.INSTALL_ID, "deadline-test"), Isolations.CONTAINER, Duration.ofSeconds(6)));
        try {
            assertThat(runtime.start(id).state()).isEqualTo(RuntimeState.RUNNING);
            String supervisor = "for f in /proc/[0-9]*/cmdline; do tr '\\0' '\\n' < $f 2>/dev/null | grep -qx supervisor"
                    + " && p=${f#/proc/} && p=${p%/cmdline}; done; ";
            assertThat(run(id, List.of("/bin/sh", "-c", supervisor + "echo $(stat -c %u /proc/$p) $(id -u);"
                    + " kill -STOP $p || echo refused; kill -KILL $p || echo refused"), Map.of(), null).stdout())
                    .isEqualTo("0 1000\nrefused\nrefused\n");
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(runtime.inspect(id).orElseThrow().state()).isEqualTo(RuntimeState.EXITED));
        } finally {
            runtime.remove(id);
        }
    }

    @Override
    protected SandboxRuntime runtime() {
        return runtime;
    }

    @Override
    protected String image() {
        return IMAGE;
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
        return new DockerRuntimeFactory().create(new DockerRuntimeConfig().withHost("tcp://127.0.0.1:9").withAgent(DockerTestSupport.AGENT), null);
    }
}
