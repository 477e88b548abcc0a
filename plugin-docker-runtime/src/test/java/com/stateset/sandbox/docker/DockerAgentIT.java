package com.stateset.sandbox.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.stateset.sandbox.docker.DockerTestSupport.Answer;
import com.stateset.sandbox.spi.runtime.Isolations;
import com.stateset.sandbox.spi.runtime.RuntimeState;
import com.stateset.sandbox.spi.runtime.SandboxLabels;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import com.stateset.sandbox.spi.runtime.SandboxSpec;
import com.stateset.sandbox.spi.runtime.process.ProcessInfo;
import com.stateset.sandbox.spi.runtime.process.ProcessNotFoundException;
import com.stateset.sandbox.spi.runtime.process.ProcessSpec;
import com.stateset.sandbox.spi.runtime.process.SandboxProcesses;
import com.stateset.sandbox.testing.SandboxRuntimeContract;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The agent is the sandbox's to kill, replace or impersonate: whatever the sandbox does to it, a
 * command answers (its own answer, or a clear error when its agent went away under it), never
 * hangs, and the next command runs.
 */
class DockerAgentIT {

    /** The agent's pids (its channels' bridges and its keeper), found the way the sandbox would. */
    private static final String AGENT_PIDS = "for d in /proc/[0-9]*; do case \"$(tr '\\0' ' ' < $d/cmdline 2>/dev/null)\" in"
            + " '/.stateset/stateset-agent serve '|'/.stateset/stateset-agent keeper ') echo ${d#/proc/} ;; esac; done";
    private static SandboxRuntime runtime;
    private final List<String> created = new ArrayList<>();

    @BeforeAll
    static void connect() {
        DockerTestSupport.requireEngineImageAndAgent(DockerRuntimeIT.IMAGE);
        runtime = new DockerRuntimeFactory().create(new DockerRuntimeConfig().withWorkspaceSize("32Mi").withPidsLimit(64)
                .withAgent(DockerTestSupport.AGENT), null);
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

    @Test
    void anAgentKilledMidCommandCostsThatCommandAClearErrorAndTheNextOneRuns() throws Exception {
        String id = sandbox();
        CompletableFuture<Answer> slow = CompletableFuture.supplyAsync(() -> run(id, "sleep 30; echo finished", Duration.ofSeconds(60)));
        Thread.sleep(500);
        // The command that kills the agent runs through it, and goes with it.
        assertThatThrownBy(() -> run(id, "for p in $(" + AGENT_PIDS + "); do kill -9 $p; done; sleep 5", Duration.ofSeconds(10)))
                .isInstanceOf(SandboxRuntimeException.class).hasMessageContaining("agent went away");
        assertThat(slow).failsWithin(20, TimeUnit.SECONDS).withThrowableThat()
                .havingCause().isInstanceOf(SandboxRuntimeException.class).withMessageContaining("agent went away");
        assertThat(run(id, "for d in /proc/[0-9]*; do case \"$(tr '\\0' ' ' < $d/cmdline 2>/dev/null)\" in 'sleep 30 ') echo left ;;"
                + " esac; done; echo checked", Duration.ofSeconds(10)).stdout())
                .as("what the command started was killed").isEqualTo("checked\n");
        assertThat(run(id, "tr '\\0' ' ' < /proc/$PPID/cmdline", Duration.ofSeconds(10)).stdout())
                .as("a new agent runs the next command").isEqualTo("/.stateset/stateset-agent keeper ");
    }

    @Test
    void garbageWrittenInTheAgentsNameEndsItsChannelAndNothingElse() {
        String id = sandbox();
        // The sandbox user owns the agent's process, so it can write to the agent's end of the channel:
        // the channel ends, and with it the command that wrote (it ran through that agent).
        assertThatThrownBy(() -> run(id, "for p in $(" + AGENT_PIDS + "); do printf 'garbage that is no frame' > /proc/$p/fd/1; done;"
                + " sleep 5", Duration.ofSeconds(10)))
                .isInstanceOf(SandboxRuntimeException.class).hasMessageContaining("agent went away");
        assertThat(run(id, "echo still here", Duration.ofSeconds(10)).stdout()).isEqualTo("still here\n");
    }

    @Test
    void aSandboxThatKillsEveryAgentStillRunsCommandsThroughTheEngine() {
        String id = sandbox();
        run(id, "setsid sh -c 'while :; do for p in $(" + AGENT_PIDS.replace("'", "'\\''") + "); do kill -9 $p; done; sleep 0.05; done'"
                + " > /dev/null 2>&1 < /dev/null &", Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) {
            try {
                assertThat(run(id, "echo ran", Duration.ofSeconds(20)).stdout()).isEqualTo("ran\n");
            } catch (SandboxRuntimeException agentKilledUnderIt) {
                assertThat(agentKilledUnderIt).hasMessageContaining("agent went away");
            }
        }
    }

    @Test
    void backgroundProcessesOutliveTheServersChannelsButNotTheirKeeper() throws Exception {
        String id = sandbox();
        ProcessInfo counter = runtime.processes(id).start(new ProcessSpec(List.of("/bin/sh", "-c",
                "i=0; while [ $i -lt 20 ]; do echo $i; i=$((i + 1)); sleep 0.1; done"), Map.of(), null, false, 0, 0, 4096));
        // The channel's bridge killed from inside, as a server that went away leaves it.
        assertThatThrownBy(() -> run(id, "for p in $(" + AGENT_PIDS.replace("|'/.stateset/stateset-agent keeper '", "")
                + "); do kill -9 $p; done; sleep 5", Duration.ofSeconds(10))).hasMessageContaining("agent went away");
        // Another runtime, as a restarted server is, reaches the same keeper.
        SandboxRuntime restarted = new DockerRuntimeFactory().create(new DockerRuntimeConfig().withWorkspaceSize("32Mi").withPidsLimit(64)
                .withAgent(DockerTestSupport.AGENT), null);
        try {
            SandboxRuntimeContract.Attached all = SandboxRuntimeContract.attach(restarted.processes(id), counter.id(), 0);
            assertThat(all.output()).isEqualTo(IntStream.range(0, 20).mapToObj(i -> i + "\n").collect(Collectors.joining()));
            assertThat(all.exit().code()).isZero();

            ProcessInfo sleeper = restarted.processes(id).start(new ProcessSpec(List.of("sleep", "300"), Map.of(), null, false, 0, 0,
                    1024));
            assertThatThrownBy(() -> DockerTestSupport.run(restarted, id, "for p in $(" + AGENT_PIDS + "); do kill -9 $p; done; sleep 5",
                    Duration.ofSeconds(10))).hasMessageContaining("agent went away");
            // A keeper killed takes its records with it: the next keeper knows none, and says so at once.
            assertThat(restarted.processes(id).list()).isEmpty();
            assertThatThrownBy(() -> restarted.processes(id).get(sleeper.id())).isInstanceOf(ProcessNotFoundException.class);
        } finally {
            restarted.close();
        }
    }

    @Test
    void aFloodOfOutputIntoABackgroundProcessCostsOnlyItsOwnLog() throws Exception {
        String id = sandbox();
        SandboxProcesses processes = runtime.processes(id);
        ProcessInfo flood = processes.start(new ProcessSpec(List.of("/bin/sh", "-c", "head -c 200000000 /dev/zero"), Map.of(), null,
                false, 0, 0, 64 * 1024));
        assertThat(processes.await(flood.id(), Duration.ofSeconds(60))).isPresent();
        ProcessInfo done = processes.get(flood.id());
        assertThat(done.outputEnd()).isEqualTo(200_000_000L);
        assertThat(done.outputEnd() - done.outputStart()).isLessThanOrEqualTo(64 * 1024);
        assertThat(run(id, "echo unharmed", Duration.ofSeconds(10)).stdout()).isEqualTo("unharmed\n");
    }

    private static Answer run(String id, String command, Duration timeout) {
        return DockerTestSupport.run(runtime, id, command, timeout);
    }

    @Test
    void aChannelIdleForItsTimeIsClosedAndOpensAgainAtTheNextUse() throws Exception {
        SandboxRuntime quick = new DockerRuntimeFactory().create(new DockerRuntimeConfig().withWorkspaceSize("32Mi").withPidsLimit(64)
                .withAgent(DockerTestSupport.AGENT).withAgentIdleSeconds(1), null);
        try {
            String id = sandbox(quick);
            ProcessInfo sleeper = quick.processes(id).start(new ProcessSpec(List.of("sleep", "300"), Map.of(), null, false, 0, 0, 1024));
            String bridges = "n=0; for d in /proc/[0-9]*; do case \"$(tr '\\0' ' ' < $d/cmdline 2>/dev/null)\" in"
                    + " '/.stateset/stateset-agent serve ') n=$((n + 1)) ;; esac; done; echo $n";
            // Seen through the other runtime's channel, which is not idle while it runs this.
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(run(id, bridges, Duration.ofSeconds(10)).stdout())
                    .as("only the checking runtime's bridge is left").isEqualTo("1\n"));
            assertThat(DockerTestSupport.run(quick, id, "tr '\\0' ' ' < /proc/$PPID/cmdline", Duration.ofSeconds(10)).stdout())
                    .as("the next command opens a channel again, through the agent").isEqualTo("/.stateset/stateset-agent keeper ");
            assertThat(quick.processes(id).get(sleeper.id()).running()).as("processes live in the keeper, not the channel").isTrue();
        } finally {
            quick.close();
        }
    }

    private String sandbox() {
        return sandbox(runtime);
    }

    private String sandbox(SandboxRuntime runtime) {
        String id = "sbx_agent" + System.nanoTime();
        runtime.create(new SandboxSpec(id, DockerRuntimeIT.IMAGE, 500, 256L << 20, Map.of(), false,
                Map.of(SandboxLabels.SANDBOX_ID, id, SandboxLabels.INSTALL_ID, "agent-test"), Isolations.CONTAINER));
        created.add(id);
        assertThat(runtime.start(id).state()).isEqualTo(RuntimeState.RUNNING);
        return id;
    }


}
