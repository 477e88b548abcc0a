package com.stateset.sandbox.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.ExecSpec;
import com.stateset.sandbox.spi.runtime.FileEvent;
import com.stateset.sandbox.spi.runtime.FileWatch;
import com.stateset.sandbox.spi.runtime.FileWatchUnavailableException;
import com.stateset.sandbox.spi.runtime.Isolations;
import com.stateset.sandbox.spi.runtime.ResourceUsage;
import com.stateset.sandbox.spi.runtime.RuntimeSandbox;
import com.stateset.sandbox.spi.runtime.RuntimeState;
import com.stateset.sandbox.spi.runtime.RuntimeUnavailableException;
import com.stateset.sandbox.spi.runtime.SandboxFileException;
import com.stateset.sandbox.spi.runtime.SandboxLabels;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import com.stateset.sandbox.spi.runtime.SandboxSpec;
import com.stateset.sandbox.spi.runtime.process.ExitStatus;
import com.stateset.sandbox.spi.runtime.process.ProcessAttachment;
import com.stateset.sandbox.spi.runtime.process.ProcessInfo;
import com.stateset.sandbox.spi.runtime.process.ProcessNotFoundException;
import com.stateset.sandbox.spi.runtime.process.ProcessOutput;
import com.stateset.sandbox.spi.runtime.process.ProcessRefusedException;
import com.stateset.sandbox.spi.runtime.process.ProcessSpec;
import com.stateset.sandbox.spi.runtime.process.ProcessesUnavailableException;
import com.stateset.sandbox.spi.runtime.process.SandboxProcesses;
import java.io.ByteArrayOutputStream;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What every {@link SandboxRuntime} must do. An implementation's test extends this class and
 * supplies a runtime connected to a real engine, and an image with {@code /bin/sh}, coreutils,
 * {@code python3} (to send network traffic) and an {@code /etc/shadow} only root can read (any
 * Debian-based image with Python).
 *
 * <p>The tests never assert on timings: streaming is shown by a command that cannot finish until
 * the test has seen its first output.
 */
public abstract class SandboxRuntimeContract {

    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration TIMEOUT = Duration.ofSeconds(60);

    private final String installId = "contract-" + hex(6);
    private final List<String> created = new ArrayList<>();

    /** The runtime under test; the same instance for every call in a test. */
    protected abstract SandboxRuntime runtime();

    /** The image sandboxes are created from. */
    protected abstract String image();

    /** The uid the runtime runs sandbox commands as. */
    protected abstract int sandboxUid();

    /** The configured size limit of {@link SandboxRuntime#WORKSPACE}; small, so the test can fill it. */
    protected abstract long workspaceLimitBytes();

    /** A runtime configured against an engine address where nothing answers. */
    protected abstract SandboxRuntime unreachableRuntime();

    @AfterEach
    void removeSandboxes() {
        for (String id : created) {
            runtime().remove(id);
        }
    }

    protected final String newSandbox(boolean network) {
        String id = "sbx_contract" + hex(8);
        runtime().create(spec(id, network));
        created.add(id);
        RuntimeSandbox started = runtime().start(id);
        assertThat(started.state()).isEqualTo(RuntimeState.RUNNING);
        return id;
    }

    private SandboxSpec spec(String id, boolean network) {
        return new SandboxSpec(id, image(), 500, 256L << 20, Map.of("GREETING", "hello"), network, Map.of(
                SandboxLabels.SANDBOX_ID, id,
                SandboxLabels.ORG_ID, "org_contract",
                SandboxLabels.INSTALL_ID, installId));
    }

    @Test
    void lifecycleIsVisibleThroughInspectAndListAndIdempotent() {
        String id = newSandbox(false);
        RuntimeSandbox seen = runtime().inspect(id).orElseThrow();
        assertThat(seen.state()).isEqualTo(RuntimeState.RUNNING);
        assertThat(seen.labels()).containsEntry(SandboxLabels.SANDBOX_ID, id)
                .containsEntry(SandboxLabels.ORG_ID, "org_contract")
                .containsEntry(SandboxLabels.INSTALL_ID, installId);
        assertThat(runtime().list(Map.of(SandboxLabels.INSTALL_ID, installId)))
                .extracting(RuntimeSandbox::sandboxId).containsExactly(id);

        runtime().stop(id);
        runtime().stop(id);
        assertThat(runtime().inspect(id).orElseThrow().state()).isEqualTo(RuntimeState.EXITED);

        runtime().remove(id);
        runtime().remove(id);
        assertThat(runtime().inspect(id)).isEmpty();
        assertThat(runtime().list(Map.of(SandboxLabels.INSTALL_ID, installId))).isEmpty();
    }

    @Test
    void createsOnlyOnceUnderOneId() {
        String id = newSandbox(false);
        assertThatThrownBy(() -> runtime().create(spec(id, false))).isInstanceOf(RuntimeException.class);
        assertThat(runtime().inspect(id).orElseThrow().state()).isEqualTo(RuntimeState.RUNNING);
    }

    @Test
    void execReturnsOutputAndExitCodeAsTheSandboxUser() {
        String id = newSandbox(false);
        Captured ok = run(id, List.of("/bin/sh", "-c", "echo out; echo err >&2; id -u; pwd; echo $GREETING $EXTRA"),
                Map.of("EXTRA", "there"), null);
        assertThat(ok.result).isEqualTo(new ExecResult(0, false));
        assertThat(ok.stdout()).isEqualTo("out\n" + sandboxUid() + "\n" + SandboxRuntime.WORKSPACE + "\nhello there\n");
        assertThat(ok.stderr()).isEqualTo("err\n");

        assertThat(run(id, List.of("/bin/sh", "-c", "exit 3"), Map.of(), null).result.exitCode()).isEqualTo(3);
        assertThat(run(id, List.of("pwd"), Map.of(), "/tmp").stdout()).isEqualTo("/tmp\n");
        assertThat(run(id, List.of("printf", "%s|", "a b", "$HOME", "*"), Map.of(), null).stdout())
                .as("argv is passed without a shell").isEqualTo("a b|$HOME|*|");
    }

    @Test
    void execOfAMissingSandboxFails() {
        assertThatThrownBy(() -> runtime().exec("sbx_missing" + hex(8), new ExecSpec(List.of("true"), Map.of(), null, TIMEOUT), ExecOutput.DISCARD))
                .isInstanceOf(SandboxMissingException.class);
    }

    @Test
    void outputIsStreamedAsItIsProduced() throws Exception {
        String id = newSandbox(false);
        CountDownLatch firstSeen = new CountDownLatch(1);
        // The command waits for a file that the test writes only after it has received "first":
        // if output were held back until the command ended, this would time out.
        Thread releaser = Thread.ofVirtual().start(() -> {
            try {
                firstSeen.await();
                run(id, List.of("touch", "/tmp/release"), Map.of(), null);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ExecResult result = runtime().exec(id, new ExecSpec(List.of("/bin/sh", "-c",
                "echo first; while [ ! -e /tmp/release ]; do sleep 0.05; done; echo second"), Map.of(), null, Duration.ofSeconds(30)),
                new ExecOutput() {
                    @Override
                    public void stdout(byte[] bytes, int offset, int length) {
                        out.write(bytes, offset, length);
                        if (out.toString(UTF_8).contains("first")) {
                            firstSeen.countDown();
                        }
                    }

                    @Override
                    public void stderr(byte[] bytes, int offset, int length) {
                    }
                });
        releaser.join();
        assertThat(result).isEqualTo(new ExecResult(0, false));
        assertThat(out.toString(UTF_8)).isEqualTo("first\nsecond\n");
    }

    @Test
    void timeoutKillsTheCommandAndEverythingItStarted() {
        String id = newSandbox(false);
        Captured slow = run(id, List.of("/bin/sh", "-c",
                "echo $$ > /tmp/parent; sleep 300 & echo $! > /tmp/child; wait"), Map.of(), null, Duration.ofSeconds(2));
        assertThat(slow.result).isEqualTo(ExecResult.timeout());
        Captured check = run(id, List.of("/bin/sh", "-c",
                "for f in /tmp/parent /tmp/child; do p=$(cat $f); [ -d /proc/$p ] && echo alive $f; done; echo checked"), Map.of(), null);
        assertThat(check.stdout()).isEqualTo("checked\n");
    }

    @Test
    void failingOutputKillsTheCommand() {
        String id = newSandbox(false);
        assertThatThrownBy(() -> runtime().exec(id, new ExecSpec(List.of("/bin/sh", "-c",
                "echo $$ > /tmp/pid; while true; do echo spam; sleep 0.05; done"), Map.of(), null, Duration.ofSeconds(60)),
                new ExecOutput() {
                    @Override
                    public void stdout(byte[] bytes, int offset, int length) {
                        throw new IllegalStateException("client went away");
                    }

                    @Override
                    public void stderr(byte[] bytes, int offset, int length) {
                    }
                })).isInstanceOf(IllegalStateException.class).hasMessage("client went away");
        assertThat(run(id, List.of("/bin/sh", "-c", "[ -d /proc/$(cat /tmp/pid) ] && echo alive; echo checked"), Map.of(), null).stdout())
                .isEqualTo("checked\n");
    }

    @Test
    void filesRoundTripAndBelongToTheSandboxUser() {
        String id = newSandbox(false);
        runtime().writeArchive(id, Tars.files(Map.of(
                "workspace/src/deep/app.py", "print(2+2)\n".getBytes(UTF_8),
                "tmp/note.txt", "note".getBytes(UTF_8))));
        assertThat(run(id, List.of("stat", "-c", "%u %a %s", "/workspace/src/deep/app.py", "/tmp/note.txt"), Map.of(), null).stdout())
                .isEqualTo(sandboxUid() + " 644 11\n" + sandboxUid() + " 644 4\n");
        assertThat(run(id, List.of("stat", "-c", "%u", "/workspace/src", "/workspace/src/deep"), Map.of(), null).stdout())
                .isEqualTo(sandboxUid() + "\n" + sandboxUid() + "\n");

        Map<String, byte[]> back = Tars.read(runtime().readArchive(id, "/workspace/src/deep/app.py"));
        assertThat(back).containsOnlyKeys("app.py");
        assertThat(new String(back.get("app.py"), UTF_8)).isEqualTo("print(2+2)\n");
        assertThat(Tars.read(runtime().readArchive(id, "/workspace/src"))).containsKeys("src/", "src/deep/", "src/deep/app.py");

        runtime().writeArchive(id, Tars.files(Map.of("workspace/src/deep/app.py", "v2".getBytes(UTF_8))));
        assertThat(new String(Tars.read(runtime().readArchive(id, "/workspace/src/deep/app.py")).get("app.py"), UTF_8)).isEqualTo("v2");
    }

    @Test
    void writesCannotFollowALinkOutOfTheWritableAreas() {
        String id = newSandbox(false);
        run(id, List.of("ln", "-s", "/etc", "/workspace/etc"), Map.of(), null);
        assertThatThrownBy(() -> runtime().writeArchive(id, Tars.files(Map.of("workspace/etc/evil", "x".getBytes(UTF_8)))))
                .isInstanceOfSatisfying(SandboxFileException.class,
                        e -> assertThat(e.reason()).isEqualTo(SandboxFileException.Reason.PERMISSION_DENIED));
        assertThat(run(id, List.of("/bin/sh", "-c", "[ -e /etc/evil ] && echo written; echo checked"), Map.of(), null).stdout())
                .isEqualTo("checked\n");
    }

    @Test
    void linksAreWrittenAsLinksAndExistingFilesCanBeKept() {
        String id = newSandbox(false);
        runtime().writeArchive(id, Tars.symlink("workspace/link", "/etc/shadow"));
        assertThat(run(id, List.of("readlink", "/workspace/link"), Map.of(), null).stdout()).isEqualTo("/etc/shadow\n");

        runtime().writeArchive(id, Tars.fileAndHardLink("workspace/a.txt", "same".getBytes(UTF_8), "workspace/b.txt"));
        assertThat(run(id, List.of("stat", "-c", "%h", "/workspace/b.txt"), Map.of(), null).stdout()).isEqualTo("2\n");
        assertThatThrownBy(() -> runtime().writeArchive(id, Tars.link("workspace/c.txt", "etc/passwd", TarArchiveEntry.LF_LINK)))
                .as("a hard link to a file outside the archive").isInstanceOf(SandboxFileException.class);
        assertThatThrownBy(() -> runtime().writeArchive(id, Tars.link("workspace/fifo", "", TarArchiveEntry.LF_FIFO)))
                .isInstanceOf(SandboxFileException.class);

        runtime().writeArchive(id, Tars.files(Map.of("workspace/a.txt", "new".getBytes(UTF_8),
                "workspace/fresh.txt", "fresh".getBytes(UTF_8))), false);
        assertThat(run(id, List.of("cat", "/workspace/a.txt", "/workspace/fresh.txt"), Map.of(), null).stdout())
                .isEqualTo("samefresh");
        runtime().writeArchive(id, Tars.files(Map.of("workspace/a.txt", "new".getBytes(UTF_8))), true);
        assertThat(run(id, List.of("cat", "/workspace/a.txt"), Map.of(), null).stdout()).isEqualTo("new");
    }

    @Test
    void readsRefuseWhatTheUserCannotRead() {
        String id = newSandbox(false);

        assertThatThrownBy(() -> runtime().readArchive(id, "/etc/shadow"))
                .isInstanceOfSatisfying(SandboxFileException.class,
                        e -> assertThat(e.reason()).isEqualTo(SandboxFileException.Reason.PERMISSION_DENIED));
        run(id, List.of("/bin/sh", "-c", "echo secret > /workspace/locked; chmod 000 /workspace/locked"), Map.of(), null);
        assertThatThrownBy(() -> runtime().readArchive(id, "/workspace/locked"))
                .isInstanceOfSatisfying(SandboxFileException.class,
                        e -> assertThat(e.reason()).isEqualTo(SandboxFileException.Reason.PERMISSION_DENIED));
        run(id, List.of("ln", "-s", "/root", "/workspace/root-link"), Map.of(), null);
        assertThatThrownBy(() -> runtime().readArchive(id, "/workspace/root-link/.profile"))
                .as("a link into a directory the user cannot enter").isInstanceOf(SandboxFileException.class);
        assertThatThrownBy(() -> runtime().readArchive(id, "/workspace/missing"))
                .isInstanceOfSatisfying(SandboxFileException.class,
                        e -> assertThat(e.reason()).isEqualTo(SandboxFileException.Reason.NOT_FOUND));
    }

    @Test
    void sandboxIsHardened() {
        String id = newSandbox(false);
        String status = run(id, List.of("cat", "/proc/self/status"), Map.of(), null).stdout();
        assertThat(status).containsPattern("CapEff:\\s+0000000000000000").containsPattern("NoNewPrivs:\\s+1");
        assertThat(run(id, List.of("touch", "/usr/evil"), Map.of(), null).result.exitCode()).isNotZero();
        Captured writable = run(id, List.of("/bin/sh", "-c", "touch /workspace/a /tmp/a \"$HOME/a\" && echo ok"), Map.of(), null);
        assertThat(writable.stdout()).isEqualTo("ok\n");
        assertThat(run(id, List.of("cat", "/proc/net/dev"), Map.of(), null).stdout())
                .as("no network interface but loopback").doesNotContainPattern("(?m)^\\s*(eth|ens|veth)");
    }

    @Test
    void networkIsAvailableOnlyWhenAsked() {
        String id = newSandbox(true);
        assertThat(run(id, List.of("cat", "/proc/net/dev"), Map.of(), null).stdout()).containsPattern("(?m)^\\s*eth0:");
    }

    @Test
    void aRenamedSandboxAnswersToItsNewIdOnly() {
        String pooled = "pool_contract" + hex(8);
        runtime().create(new SandboxSpec(pooled, image(), 500, 256L << 20, Map.of(), false,
                Map.of(SandboxLabels.INSTALL_ID, installId)));
        created.add(pooled);
        runtime().start(pooled);
        runtime().writeArchive(pooled, Tars.files(Map.of("workspace/made-ahead.txt", "ready".getBytes(UTF_8))));
        String id = "sbx_contract" + hex(8);
        created.add(id);

        RuntimeSandbox renamed = runtime().rename(pooled, id);
        assertThat(renamed.sandboxId()).isEqualTo(id);
        assertThat(renamed.state()).isEqualTo(RuntimeState.RUNNING);
        assertThat(run(id, List.of("cat", "/workspace/made-ahead.txt"), Map.of(), null).stdout()).isEqualTo("ready");
        assertThat(runtime().inspect(pooled)).isEmpty();
        assertThat(runtime().list(Map.of(SandboxLabels.INSTALL_ID, installId))).extracting(RuntimeSandbox::sandboxId)
                .contains(id).doesNotContain(pooled);
        assertThatThrownBy(() -> runtime().rename(pooled, "sbx_contract" + hex(8))).isInstanceOf(SandboxMissingException.class);
        String other = newSandbox(false);
        assertThatThrownBy(() -> runtime().rename(other, id)).as("the new id is taken")
                .isInstanceOf(SandboxRuntimeException.class).isNotInstanceOf(SandboxMissingException.class);
        assertThat(run(other, List.of("echo", "unchanged"), Map.of(), null).stdout()).isEqualTo("unchanged\n");
    }

    @Test
    void egressIsCountedWhileTheSandboxRuns() {
        String online = newSandbox(true);
        String offline = newSandbox(false);
        // A thousand 1,000-byte datagrams to a documentation address: they leave the sandbox
        // whether or not anything answers.
        List<String> send = List.of("python3", "-c", "import socket\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "for _ in range(1000): s.sendto(b'x' * 1000, ('192.0.2.1', 9))\n");
        assertThat(run(online, send, Map.of(), null).result.exitCode()).isZero();
        assertThat(runtime().networkEgressBytes(online)).isGreaterThanOrEqualTo(1_000_000);
        assertThat(run(offline, send, Map.of(), null).result.exitCode()).as("no route without network").isNotZero();
        assertThat(runtime().networkEgressBytes(offline)).isZero();
        runtime().stop(online);
        assertThat(runtime().networkEgressBytes(online)).as("counters end with the processes").isZero();
        assertThatThrownBy(() -> runtime().networkEgressBytes("sbx_contract" + hex(8))).isInstanceOf(SandboxMissingException.class);
    }

    @Test
    void usageCountsCpuMemoryDiskAndNetworkOfTheSandbox() {
        String online = newSandbox(true);
        // A second of CPU, 40 MB held in memory while 8 MB sit in the workspace, a megabyte sent.
        List<String> busy = List.of("python3", "-c", "import socket, time\n"
                + "open('/workspace/eight', 'wb').write(b'x' * (8 << 20))\n"
                + "end = time.process_time() + 1\n"
                + "while time.process_time() < end: pass\n"
                + "s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)\n"
                + "for _ in range(1000): s.sendto(b'x' * 1000, ('192.0.2.1', 9))\n");
        assertThat(run(online, busy, Map.of(), null).result.exitCode()).isZero();
        ResourceUsage usage = runtime().usage(online);
        assertThat(usage.cpuNanos()).isGreaterThanOrEqualTo(Duration.ofMillis(900).toNanos());
        assertThat(usage.memoryBytes()).isPositive();
        if (usage.diskBytes() != null) {
            assertThat(usage.diskBytes()).isBetween(8L << 20, usage.diskLimitBytes());
        }
        assertThat(usage.diskLimitBytes()).isGreaterThanOrEqualTo(workspaceLimitBytes());
        assertThat(usage.networkTxBytes()).isGreaterThanOrEqualTo(1_000_000);
        assertThatThrownBy(() -> runtime().usage("sbx_contract" + hex(8))).isInstanceOf(SandboxMissingException.class);
    }

    @Test
    void everyOfferedIsolationRunsSandboxesTheDefaultFirst() {
        List<String> offered = runtime().isolations();
        assertThat(offered).isNotEmpty().doesNotHaveDuplicates().isSubsetOf(Isolations.CONTAINER, Isolations.GVISOR);
        for (String isolation : offered) {
            String id = "sbx_contract" + hex(8);
            runtime().create(new SandboxSpec(id, image(), 500, 256L << 20, Map.of(), false, Map.of(
                    SandboxLabels.SANDBOX_ID, id, SandboxLabels.ORG_ID, "org_contract", SandboxLabels.INSTALL_ID, installId),
                    isolation));
            created.add(id);
            runtime().start(id);
            String kernel = run(id, List.of("/bin/sh", "-c", "dmesg 2>&1 | head -3"), Map.of(), null).stdout();
            if (isolation.equals(Isolations.GVISOR)) {
                assertThat(kernel).as("gVisor's own kernel log").contains("gVisor");
            } else {
                assertThat(kernel).doesNotContain("gVisor");
            }
        }
    }

    @Test
    void fillingTheWorkspaceGivesNoSpaceLeftOnDevice() {
        String id = newSandbox(false);
        long limitMiB = workspaceLimitBytes() >> 20;
        Captured fill = run(id, List.of("/bin/sh", "-c",
                "dd if=/dev/zero of=/workspace/fill bs=1M count=" + (limitMiB + 8) + " 2>&1; echo exit=$?"), Map.of(), null);
        assertThat(fill.stdout()).contains("No space left on device").contains("exit=1");
        assertThat(run(id, List.of("echo", "still alive"), Map.of(), null).stdout()).isEqualTo("still alive\n");
        assertThatThrownBy(() -> runtime().writeArchive(id, Tars.files(Map.of("workspace/more", new byte[1 << 20]))))
                .isInstanceOfSatisfying(SandboxFileException.class,
                        e -> assertThat(e.reason()).isEqualTo(SandboxFileException.Reason.NO_SPACE));
    }

    @Test
    void forkBombIsContainedAndTheSandboxRecovers() {
        String id = newSandbox(false);
        String other = newSandbox(false);
        // The bomb starts in a subshell, whose own forks may fail once it has taken every pid (and
        // end it, but not its parent); exec: the parent then becomes the sleep without forking.
        Captured bomb = run(id, List.of("/bin/sh", "-c", "bomb() { bomb | bomb & }; (bomb); exec sleep 30"), Map.of(), null,
                Duration.ofSeconds(5));
        assertThat(bomb.result.timedOut()).isTrue();
        assertThat(run(other, List.of("echo", "unharmed"), Map.of(), null).stdout()).isEqualTo("unharmed\n");
        assertThat(run(id, List.of("echo", "recovered"), Map.of(), null).stdout()).isEqualTo("recovered\n");
    }

    @Test
    void memoryBombIsKilledAndTheSandboxSurvives() {
        String id = newSandbox(false);
        Captured bomb = run(id, List.of("/bin/sh", "-c", "x=$(head -c 2000000000 /dev/zero | tr '\\0' a); echo survived"), Map.of(), null);
        assertThat(bomb.stdout()).doesNotContain("survived");
        assertThat(bomb.result.exitCode()).isNotZero();
        assertThat(runtime().inspect(id).orElseThrow().state()).isEqualTo(RuntimeState.RUNNING);
        assertThat(run(id, List.of("echo", "alive"), Map.of(), null).stdout()).isEqualTo("alive\n");
    }

    /**
     * Whether the runtime keeps background processes ({@link SandboxRuntime#processes}); one that
     * does not must say so with {@link ProcessesUnavailableException}, which the suite checks.
     */
    protected boolean keepsProcesses() {
        return true;
    }

    @Test
    void backgroundProcessesKeepTheirOutputForAttachesFromAnyOffset() throws Exception {
        String id = newSandbox(false);
        if (!keepsProcesses()) {
            assertThatThrownBy(() -> runtime().processes(id)).isInstanceOf(ProcessesUnavailableException.class);
            return;
        }
        SandboxProcesses processes = runtime().processes(id);
        ProcessInfo started = processes.start(new ProcessSpec(List.of("/bin/sh", "-c",
                "echo \"$GREETING $EXTRA from $(id -u) in $(pwd)\"; read line; echo \"got $line\"; exit 3"), Map.of("EXTRA", "there"),
                null, false, 0, 0, 4096));
        assertThat(started.running()).isTrue();
        assertThat(started.argv()).startsWith("/bin/sh");
        assertThat(processes.list()).extracting(ProcessInfo::id).contains(started.id());
        processes.write(started.id(), "typed\n".getBytes(UTF_8));
        assertThat(processes.await(started.id(), TIMEOUT)).contains(new ExitStatus(3, 0));
        String all = "hello there from " + sandboxUid() + " in " + SandboxRuntime.WORKSPACE + "\ngot typed\n";
        Attached whole = attach(processes, started.id(), 0);
        assertThat(whole.output()).isEqualTo(all);
        assertThat(whole.from()).containsExactly(0L);
        assertThat(whole.exit()).isEqualTo(new ExitStatus(3, 0));
        Attached rest = attach(processes, started.id(), all.indexOf("got"));
        assertThat(rest.output()).isEqualTo("got typed\n");
        ProcessInfo exited = processes.get(started.id());
        assertThat(exited.exit()).isEqualTo(new ExitStatus(3, 0));
        assertThat(exited.outputEnd()).isEqualTo(all.length());

        processes.remove(started.id());
        assertThatThrownBy(() -> processes.get(started.id())).isInstanceOf(ProcessNotFoundException.class);
        assertThatThrownBy(() -> processes.signal(started.id(), 9)).isInstanceOf(ProcessNotFoundException.class);
        assertThatThrownBy(() -> processes.get("../../etc")).isInstanceOf(ProcessNotFoundException.class);
    }

    @Test
    void backgroundProcessesAreSignalledWaitedForAndKeepABoundedLog() throws Exception {
        String id = newSandbox(false);
        if (!keepsProcesses()) {
            return; // shown refused by the test above
        }
        SandboxProcesses processes = runtime().processes(id);
        ProcessInfo sleeper = processes.start(new ProcessSpec(List.of("/bin/sh", "-c", "sleep 100 & wait"), Map.of(), null, false, 0, 0,
                1024));
        assertThat(processes.await(sleeper.id(), Duration.ofMillis(200))).as("still running").isEmpty();
        processes.signal(sleeper.id(), 15);
        assertThat(processes.await(sleeper.id(), TIMEOUT)).contains(new ExitStatus(143, 15));
        assertThatThrownBy(() -> processes.signal(sleeper.id(), 9)).as("its group may be another's by now")
                .isInstanceOf(ProcessRefusedException.class);

        // 5000 bytes into a log of 1024: an attach from 0 is told where the kept bytes start.
        ProcessInfo writer = processes.start(new ProcessSpec(List.of("/bin/sh", "-c", "head -c 5000 /dev/zero | tr '\\0' x"), Map.of(),
                null, false, 0, 0, 1024));
        processes.await(writer.id(), TIMEOUT);
        Attached kept = attach(processes, writer.id(), 0);
        assertThat(kept.from()).hasSize(1);
        assertThat(kept.from().get(0)).isBetween(5000L - 1024, 5000L);
        assertThat(kept.output()).hasSize((int) (5000 - kept.from().get(0))).matches("x+");

        ProcessInfo terminal = processes.start(new ProcessSpec(List.of("/bin/sh", "-c", "stty size; read x; stty size"), Map.of(), null,
                true, 30, 90, 4096));
        long deadline = System.nanoTime() + TIMEOUT.toNanos();
        while (processes.get(terminal.id()).outputEnd() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(20); // the first size is printed before the resize
        }
        processes.resize(terminal.id(), 40, 100);
        processes.write(terminal.id(), "\r".getBytes(UTF_8));
        assertThat(processes.await(terminal.id(), TIMEOUT)).contains(new ExitStatus(0, 0));
        assertThat(attach(processes, terminal.id(), 0).output()).contains("30 90").contains("40 100");
    }

    /** Whether the runtime watches files ({@link SandboxRuntime#watch}); one that does not must say so. */
    protected boolean watchesFiles() {
        return true;
    }

    @Test
    void aWatchedDirectoryReportsItsChangesAndEndsWhenItGoes() throws Exception {
        String id = newSandbox(false);
        BlockingQueue<FileEvent> changes = new LinkedBlockingQueue<>();
        if (!watchesFiles()) {
            assertThatThrownBy(() -> runtime().watch(id, SandboxRuntime.WORKSPACE, true, changes::add))
                    .isInstanceOf(FileWatchUnavailableException.class);
            return;
        }
        run(id, List.of("mkdir", "-p", "/workspace/watched/deep"), Map.of(), null);
        try (FileWatch watch = runtime().watch(id, "/workspace/watched", true, changes::add)) {
            run(id, List.of("/bin/sh", "-c", "echo x > /workspace/watched/deep/a.txt; ln -s /etc /workspace/watched/link;"
                    + " rm /workspace/watched/deep/a.txt"), Map.of(), null);
            List<FileEvent> seen = new ArrayList<>();
            while (seen.stream().noneMatch(e -> e.kind() == FileEvent.Kind.DELETED)) {
                FileEvent next = changes.poll(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
                assertThat(next).as("a change within the timeout, after %s", seen).isNotNull();
                seen.add(next);
            }
            assertThat(seen).contains(new FileEvent(FileEvent.Kind.CREATED, "/workspace/watched/deep/a.txt", false),
                    new FileEvent(FileEvent.Kind.MODIFIED, "/workspace/watched/deep/a.txt", false),
                    new FileEvent(FileEvent.Kind.CREATED, "/workspace/watched/link", false),
                    new FileEvent(FileEvent.Kind.DELETED, "/workspace/watched/deep/a.txt", false));
            run(id, List.of("rm", "-r", "/workspace/watched"), Map.of(), null);
            assertThatThrownBy(() -> watch.ended().get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS))
                    .hasMessageContaining("deleted");
        }
        assertThatThrownBy(() -> runtime().watch(id, "/workspace/missing", false, changes::add))
                .isInstanceOfSatisfying(SandboxFileException.class,
                        e -> assertThat(e.reason()).isEqualTo(SandboxFileException.Reason.NOT_FOUND));
    }

    /** What an attachment delivered until the process's exit. */
    public record Attached(List<Long> from, String output, ExitStatus exit) {
    }

    public static Attached attach(SandboxProcesses processes, String processId, long offset) throws Exception {
        List<Long> from = new java.util.concurrent.CopyOnWriteArrayList<>();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ProcessOutput sink = new ProcessOutput() {
            @Override
            public void from(long at) {
                from.add(at);
            }

            @Override
            public synchronized void stdout(byte[] bytes, int off, int length) {
                out.write(bytes, off, length);
            }

            @Override
            public synchronized void stderr(byte[] bytes, int off, int length) {
                out.write(bytes, off, length);
            }
        };
        try (ProcessAttachment attachment = processes.attach(processId, offset, sink)) {
            ExitStatus exit = attachment.exit().get(TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
            synchronized (sink) {
                return new Attached(List.copyOf(from), out.toString(UTF_8), exit);
            }
        }
    }

    @Test
    void unreachableEngineIsReportedAsUnavailable() {
        SandboxRuntime down = unreachableRuntime();
        try {
            assertThatThrownBy(down::ping).isInstanceOf(RuntimeUnavailableException.class);
            assertThatThrownBy(() -> down.inspect("sbx_any")).isInstanceOf(RuntimeUnavailableException.class);
            assertThatThrownBy(() -> down.create(spec("sbx_contract" + hex(8), false))).isInstanceOf(RuntimeUnavailableException.class);
        } finally {
            down.close();
        }
    }

    protected final Captured run(String id, List<String> argv, Map<String, String> env, String workingDir) {
        return run(id, argv, env, workingDir, TIMEOUT);
    }

    protected final Captured run(String id, List<String> argv, Map<String, String> env, String workingDir, Duration timeout) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExecResult result = runtime().exec(id, new ExecSpec(argv, env, workingDir, timeout), new ExecOutput() {
            @Override
            public void stdout(byte[] bytes, int offset, int length) {
                out.write(bytes, offset, length);
            }

            @Override
            public void stderr(byte[] bytes, int offset, int length) {
                err.write(bytes, offset, length);
            }
        });
        return new Captured(result, out, err);
    }

    /** The result and output of one command. */
    protected record Captured(ExecResult result, ByteArrayOutputStream out, ByteArrayOutputStream err) {
        public String stdout() {
            return out.toString(UTF_8);
        }

        public String stderr() {
            return err.toString(UTF_8);
        }
    }

    protected static String hex(int bytes) {
        byte[] b = new byte[bytes];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
