package com.stateset.sandbox.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.stateset.sandbox.spi.runtime.Isolations;
import com.stateset.sandbox.spi.runtime.RuntimeState;
import com.stateset.sandbox.spi.runtime.SandboxLabels;
import com.stateset.sandbox.spi.runtime.SandboxRecoveringException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.docker.DockerTestSupport.Answer;
import com.stateset.sandbox.spi.runtime.SandboxSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A process flood, then a memory bomb, then plain commands in the same sandbox, on a host whose
 * cores are all kept busy by other work (threads of this test): every later command either runs
 * and answers for itself, or is refused with {@link SandboxRecoveringException} (nothing ran), and
 * the sandbox soon runs them all again. Never a command killed for what an earlier one left behind.
 */
class ProcessFloodIT {

    /** Long enough for gVisor's ptrace platform to give back a bomb's pids with every core busy. */
    private static final Duration RECOVERY_BOUND = Duration.ofMinutes(4);
    private static SandboxRuntime runtime;
    private final List<String> created = new ArrayList<>();

    @BeforeAll
    static void connect() {
        DockerTestSupport.requireGvisor(DockerRuntimeIT.IMAGE);
        runtime = new DockerRuntimeFactory().create(new DockerRuntimeConfig().withDefaultIsolation(Isolations.CONTAINER)
                .withIsolations(List.of(Isolations.CONTAINER, Isolations.GVISOR)).withWorkspaceSize("32Mi").withPidsLimit(64).withAgent(DockerTestSupport.AGENT), null);
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

    @ParameterizedTest
    @ValueSource(strings = {Isolations.CONTAINER, Isolations.GVISOR})
    void commandsAfterAFloodRunOrAreRefusedNeverKilled(String isolation) throws Exception {
        String id = "sbx_flood" + System.nanoTime();
        runtime.create(new SandboxSpec(id, DockerRuntimeIT.IMAGE, 500, 256L << 20, Map.of(), false,
                Map.of(SandboxLabels.SANDBOX_ID, id, SandboxLabels.INSTALL_ID, "flood-test"), isolation));
        created.add(id);
        assertThat(runtime.start(id).state()).isEqualTo(RuntimeState.RUNNING);
        BusyCores busy = new BusyCores();
        try {
            run(id, "f(){ f|f& }; f; sleep 2", Duration.ofSeconds(6));
            // Killed for its memory, or unable to fork while the flood lasts: either answer is its own.
            runOrRefused(id, "x=$(head -c 2000000000 /dev/zero | tr '\\0' a); echo survived");
            long deadline = System.nanoTime() + RECOVERY_BOUND.toNanos();
            Answer dd;
            while ((dd = runOrRefused(id, "dd if=/dev/zero of=/workspace/out bs=1M count=8 2>/dev/null && echo written")) == null
                    || !dd.stdout().equals("written\n")) {
                if (dd != null) {
                    // It ran: whatever it answered is its own, never a kill from outside.
                    assertThat(dd.result().exitCode()).as("dd, run after the flood: %s", dd).isNotEqualTo(137);
                }
                assertThat(System.nanoTime()).as("the sandbox runs commands again within %s", RECOVERY_BOUND).isLessThan(deadline);
                Thread.sleep(1_000);
            }
            // Under gVisor stragglers of the flood may surface again: the next command runs, or is
            // refused while they are reaped, never killed.
            Answer next;
            while ((next = runOrRefused(id, "echo next")) == null) {
                assertThat(System.nanoTime()).as("the sandbox runs commands again within %s", RECOVERY_BOUND).isLessThan(deadline);
                Thread.sleep(1_000);
            }
            assertThat(next.stdout()).as("echo, run after the flood: %s", next).isEqualTo("next\n");
        } finally {
            busy.stop();
        }
    }

    /** The command's answer, or null when the sandbox refused it while recovering. */
    private static Answer run(String id, String command, Duration timeout) {
        return DockerTestSupport.run(runtime, id, command, timeout);
    }

    private static Answer runOrRefused(String id, String command) {
        try {
            return run(id, command, Duration.ofSeconds(60));
        } catch (SandboxRecoveringException refused) {
            return null;
        }
    }



    /** Every core of the host kept busy, as other work on a shared host would. */
    private static final class BusyCores {
        private final AtomicBoolean running = new AtomicBoolean(true);
        private final List<Thread> threads = new ArrayList<>();

        BusyCores() {
            for (int i = 0; i < Runtime.getRuntime().availableProcessors(); i++) {
                threads.add(Thread.ofPlatform().daemon().start(() -> {
                    while (running.get()) {
                        // spinning, as a busy neighbour would
                    }
                }));
            }
        }

        void stop() throws InterruptedException {
            running.set(false);
            for (Thread thread : threads) {
                thread.join();
            }
        }
    }
}
