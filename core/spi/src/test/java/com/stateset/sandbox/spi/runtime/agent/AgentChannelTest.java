package com.stateset.sandbox.spi.runtime.agent;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.FileEvent;
import com.stateset.sandbox.spi.runtime.FileWatch;
import com.stateset.sandbox.spi.runtime.Terminal;
import com.stateset.sandbox.spi.runtime.TerminalSpec;
import com.stateset.sandbox.spi.runtime.process.ExitStatus;
import com.stateset.sandbox.spi.runtime.process.ProcessAttachment;
import com.stateset.sandbox.spi.runtime.process.ProcessInfo;
import com.stateset.sandbox.spi.runtime.process.ProcessNotFoundException;
import com.stateset.sandbox.spi.runtime.process.ProcessOutput;
import com.stateset.sandbox.spi.runtime.process.ProcessRefusedException;
import com.stateset.sandbox.spi.runtime.process.ProcessSpec;
import com.stateset.sandbox.spi.runtime.process.SandboxProcesses;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The channel against the real agent (agent/target/stateset-agent, which the build makes before
 * this module), run here as a local process; and against a lying agent made of pipes.
 */
class AgentChannelTest {

    private static final Path AGENT = Path.of("..", "..", "agent", "target", "stateset-agent");
    private static final Duration HELLO = Duration.ofSeconds(5);
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        processes.forEach(Process::destroyForcibly);
    }

    /** The test's own keeper, at an address of its own (a serve would otherwise start one that outlives the test). */
    private String keeper;

    private AgentChannel agent() throws IOException {
        assertThat(AGENT).as("the agent, built by agent/ before this module").isExecutable();
        if (keeper == null) {
            keeper = "@stateset-agent-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
            ProcessBuilder keeping = new ProcessBuilder(AGENT.toString(), "keeper", keeper).redirectError(ProcessBuilder.Redirect.DISCARD);
            keeping.environment().remove("TERM"); // as in a sandbox, where the engine's exec sets none
            Process started = keeping.start();
            processes.add(started);
            assertThat(new java.io.BufferedReader(new java.io.InputStreamReader(started.getInputStream(), UTF_8)).readLine())
                    .as("the keeper listens").isEqualTo("ready");
        }
        Process process = new ProcessBuilder(AGENT.toString(), "serve", keeper).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        processes.add(process);
        return AgentChannel.open(process.getInputStream(), process.getOutputStream(), process::destroyForcibly, HELLO);
    }

    private record Run(ExecResult result, String stdout, String stderr) {
    }

    private static Run run(AgentChannel channel, Duration timeout, String... argv) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        ExecResult result = channel.run(List.of(argv), Map.of("GREETING", "hello"), "/tmp", timeout, new ExecOutput() {
            @Override
            public void stdout(byte[] bytes, int offset, int length) {
                out.write(bytes, offset, length);
            }

            @Override
            public void stderr(byte[] bytes, int offset, int length) {
                err.write(bytes, offset, length);
            }
        });
        return new Run(result, out.toString(UTF_8), err.toString(UTF_8));
    }

    @Test
    void commandsRunThroughTheAgentWithTheirOutputAndExitCodes() throws Exception {
        try (AgentChannel channel = agent()) {
            assertThat(channel.agentVersion()).isNotBlank();
            assertThat(run(channel, Duration.ofSeconds(10), "sh", "-c", "echo $GREETING; pwd; echo oops >&2; exit 3"))
                    .isEqualTo(new Run(new ExecResult(3, false), "hello\n/tmp\n", "oops\n"));
            assertThatThrownBy(() -> run(channel, Duration.ofSeconds(10), "no-such-command-anywhere"))
                    .isInstanceOf(AgentCommandNotStartedException.class)
                    .hasMessageContaining("no-such-command-anywhere").hasMessageContaining("not found");
            assertThat(run(channel, Duration.ofSeconds(10), "true").result()).as("the channel goes on").isEqualTo(new ExecResult(0, false));
            assertThat(channel.ping(Duration.ofSeconds(5))).isPositive();
        }
    }

    @Test
    void aTerminalTakesInputAndResizesAndSaysHowItEnded() throws Exception {
        try (AgentChannel channel = agent()) {
            StringBuffer seen = new StringBuffer();
            ExecOutput screen = new ExecOutput() {
                @Override
                public void stdout(byte[] bytes, int offset, int length) {
                    seen.append(new String(bytes, offset, length, UTF_8));
                }

                @Override
                public void stderr(byte[] bytes, int offset, int length) {
                    seen.append("[stderr]");
                }
            };
            Terminal terminal = channel.openTerminal(new TerminalSpec(List.of("sh", "-c",
                    "stty size; echo $TERM; read line; stty size; echo \"got $line\" >&2; exit 5"), Map.of(), "/tmp", 24, 80), screen);
            for (long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos(); !seen.toString().contains("xterm-256color"); ) {
                assertThat(System.nanoTime()).as("the terminal's first lines, got %s", seen).isLessThan(deadline);
                Thread.sleep(20);
            }
            terminal.resize(40, 100);
            Thread.sleep(100);
            terminal.write("hello\r".getBytes(UTF_8));
            assertThat(terminal.exit().get(10, TimeUnit.SECONDS)).isEqualTo(5);
            assertThat(seen.toString().replace("\r\n", "\n")).contains("24 80\n").contains("40 100\ngot hello\n")
                    .doesNotContain("[stderr]");
            assertThatThrownBy(() -> terminal.resize(0, 80)).isInstanceOf(IllegalArgumentException.class);
            Terminal hungUp = channel.openTerminal(new TerminalSpec(List.of("sleep", "60"), Map.of(), null, 24, 80), screen);
            hungUp.close();
            assertThat(hungUp.exit().get(10, TimeUnit.SECONDS)).as("SIGHUP").isEqualTo(129);
        }
    }

    @Test
    void manyCommandsShareTheChannel() throws Exception {
        try (AgentChannel channel = agent()) {
            ExecutorService pool = Executors.newFixedThreadPool(20);
            try {
                List<Future<Run>> runs = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String n = Integer.toString(i);
                    Callable<Run> task = () -> run(channel, Duration.ofSeconds(20), "sh", "-c", "sleep 0.1; echo " + n);
                    runs.add(pool.submit(task));
                }
                for (int i = 0; i < 20; i++) {
                    assertThat(runs.get(i).get().stdout()).isEqualTo(i + "\n");
                }
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aTimeoutKillsTheCommandsWholeProcessGroup(@TempDir Path dir) throws Exception {
        Path pidFile = dir.resolve("pid");
        try (AgentChannel channel = agent()) {
            long started = System.nanoTime();
            Run run = run(channel, Duration.ofMillis(500), "sh", "-c", "sleep 100 & echo $! > " + pidFile + "; wait");
            assertThat(run.result()).isEqualTo(ExecResult.timeout());
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
            long background = Long.parseLong(Files.readString(pidFile).strip());
            for (int i = 0; i < 100 && ProcessHandle.of(background).map(ProcessHandle::isAlive).orElse(false); i++) {
                Thread.sleep(50);
            }
            assertThat(ProcessHandle.of(background).map(ProcessHandle::isAlive)).as("what it started in the background").isNotEqualTo(java.util.Optional.of(true));
            assertThat(run(channel, Duration.ofSeconds(10), "echo", "after").stdout()).isEqualTo("after\n");
        }
    }

    @Test
    void aFailingOutputKillsTheCommandAndIsThrown() throws Exception {
        try (AgentChannel channel = agent()) {
            IllegalStateException full = new IllegalStateException("output full");
            assertThatThrownBy(() -> channel.run(List.of("sh", "-c", "while :; do echo spam; done"), Map.of(), null, Duration.ofSeconds(20),
                    new ExecOutput() {
                        @Override
                        public void stdout(byte[] bytes, int offset, int length) {
                            throw full;
                        }

                        @Override
                        public void stderr(byte[] bytes, int offset, int length) {
                        }
                    })).isSameAs(full);
            assertThat(run(channel, Duration.ofSeconds(10), "echo", "still").stdout()).isEqualTo("still\n");
        }
    }

    @Test
    void aCommandTooLargeForAFrameIsRefusedAndTheChannelGoesOn() throws Exception {
        try (AgentChannel channel = agent()) {
            String huge = "x".repeat(AgentFrames.MAX_PAYLOAD);
            assertThatThrownBy(() -> run(channel, Duration.ofSeconds(10), "echo", huge))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bytes");
            assertThat(channel.isOpen()).isTrue();
            assertThat(run(channel, Duration.ofSeconds(10), "echo", "fine").stdout()).isEqualTo("fine\n");
        }
    }

    @Test
    void anAgentThatStopsReadingEndsItsChannelInsteadOfHoldingTheCaller() throws Exception {
        PipedInputStream fromAgent = new PipedInputStream(1 << 20);
        PipedOutputStream agentOut = new PipedOutputStream(fromAgent);
        agentOut.write(frame(AgentFrames.HELLO, 0, hello()));
        PipedInputStream neverRead = new PipedInputStream(1024);
        AgentChannel channel = AgentChannel.open(fromAgent, new PipedOutputStream(neverRead), agentOut::close, HELLO);
        long started = System.nanoTime();
        assertThatThrownBy(() -> run(channel, Duration.ofSeconds(60), "echo", "x".repeat(100_000)))
                .isInstanceOf(AgentChannelException.class).hasMessageContaining("stopped reading");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(30));
        assertThat(channel.isOpen()).isFalse();
    }

    @Test
    void anAgentKilledMidCommandEndsTheChannelWithAClearError() throws Exception {
        AgentChannel channel = agent();
        Process process = processes.get(0);
        Thread.startVirtualThread(() -> {
            sleep(300);
            process.destroyForcibly();
        });
        assertThatThrownBy(() -> run(channel, Duration.ofSeconds(30), "sleep", "20"))
                .isInstanceOf(AgentChannelException.class).hasMessageContaining("channel ended")
                .matches(e -> ((AgentChannelException) e).commandSent(), "says the command may have run");
        assertThat(channel.isOpen()).isFalse();
        assertThatThrownBy(() -> run(channel, Duration.ofSeconds(1), "true")).isInstanceOf(AgentChannelException.class)
                .matches(e -> !((AgentChannelException) e).commandSent(), "says the command was never sent");
    }

    @Test
    void anAgentThatNeverAnswersCostsTheHelloTimeout() throws Exception {
        Process silent = new ProcessBuilder("sleep", "30").start();
        processes.add(silent);
        long started = System.nanoTime();
        assertThatThrownBy(() -> AgentChannel.open(silent.getInputStream(), silent.getOutputStream(), silent::destroyForcibly,
                Duration.ofMillis(300))).isInstanceOf(AgentChannelException.class).hasMessageContaining("did not answer");
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void aLyingAgentEndsItsChannelAndNeverHangsACommand() throws Exception {
        for (byte[] lie : List.of(
                frame(AgentFrames.STDOUT, 99, "not yours".getBytes(UTF_8)),
                header(AgentFrames.STDOUT, 1, Integer.MAX_VALUE),
                frame((byte) 0x7f, 1, new byte[0]),
                frame(AgentFrames.EXIT, 1, new byte[3]),
                frame(AgentFrames.HELLO, 0, hello()))) {
            PipedInputStream fromAgent = new PipedInputStream(1 << 20);
            PipedOutputStream agentOut = new PipedOutputStream(fromAgent);
            agentOut.write(frame(AgentFrames.HELLO, 0, hello()));
            AgentChannel channel = AgentChannel.open(fromAgent, OutputStreamSink.INSTANCE, agentOut::close, HELLO);
            Future<Run> run = Executors.newVirtualThreadPerTaskExecutor().submit(() -> run(channel, Duration.ofSeconds(30), "true"));
            Thread.sleep(50);
            agentOut.write(lie);
            agentOut.flush();
            assertThatThrownBy(run::get).hasCauseInstanceOf(AgentChannelException.class).hasMessageContaining("the agent sent");
            assertThat(channel.isOpen()).isFalse();
        }
    }

    @Test
    void backgroundProcessesOutliveTheirChannelAndAreAttachedFromAnyOffset() throws Exception {
        String id;
        try (AgentChannel first = agent()) {
            ProcessInfo started = first.processes().start(new ProcessSpec(List.of("sh", "-c", "echo $GREETING; read x; echo got $x"),
                    Map.of("GREETING", "hello"), "/tmp", false, 0, 0, 4096));
            id = started.id();
            assertThat(id).matches("[0-9a-f]{12}");
            assertThat(started.running()).isTrue();
        }
        try (AgentChannel second = agent()) {
            SandboxProcesses processes = second.processes();
            processes.write(id, "more\n".getBytes(UTF_8));
            assertThat(processes.await(id, Duration.ofSeconds(10))).contains(new ExitStatus(0, 0));
            List<Long> from = new java.util.concurrent.CopyOnWriteArrayList<>();
            StringBuffer seen = new StringBuffer();
            try (ProcessAttachment attachment = processes.attach(id, 6, new ProcessOutput() {
                @Override
                public void from(long offset) {
                    from.add(offset);
                }

                @Override
                public void stdout(byte[] bytes, int offset, int length) {
                    seen.append(new String(bytes, offset, length, UTF_8));
                }

                @Override
                public void stderr(byte[] bytes, int offset, int length) {
                    seen.append("[stderr]");
                }
            })) {
                assertThat(attachment.exit().get(10, TimeUnit.SECONDS)).isEqualTo(new ExitStatus(0, 0));
            }
            assertThat(from).containsExactly(6L);
            assertThat(seen.toString()).isEqualTo("got more\n");
            assertThatThrownBy(() -> processes.signal(id, 15)).isInstanceOf(ProcessRefusedException.class).hasMessageContaining("exited");
            processes.remove(id);
            assertThatThrownBy(() -> processes.get(id)).isInstanceOf(ProcessNotFoundException.class);
            assertThatThrownBy(() -> processes.write("not-an-id", new byte[1])).isInstanceOf(ProcessNotFoundException.class);
            assertThat(run(second, Duration.ofSeconds(10), "true").result()).as("the channel goes on").isEqualTo(new ExecResult(0, false));
        }
    }

    @Test
    void anAgentThatLiesAboutItsProcessesEndsItsChannel() throws Exception {
        byte[] badId = ByteBuffer.allocate(4 + 12).putInt(12).put("../../etc/xx".getBytes(UTF_8)).array();
        for (byte[] answer : List.of(
                frame(AgentFrames.DONE, 1, new byte[0]), // a Done where Processes was due
                frame(AgentFrames.PROCESSES, 1, ByteBuffer.allocate(4).putInt(1_000_000).array()),
                frame(AgentFrames.PROCESSES, 1, ByteBuffer.allocate(4 + badId.length + 100).putInt(1).put(badId).array()))) {
            PipedInputStream fromAgent = new PipedInputStream(1 << 20);
            PipedOutputStream agentOut = new PipedOutputStream(fromAgent);
            agentOut.write(frame(AgentFrames.HELLO, 0, hello()));
            AgentChannel channel = AgentChannel.open(fromAgent, OutputStreamSink.INSTANCE, agentOut::close, HELLO);
            Future<List<ProcessInfo>> list = Executors.newVirtualThreadPerTaskExecutor().submit(() -> channel.processes().list());
            Thread.sleep(50);
            agentOut.write(answer);
            agentOut.flush();
            assertThatThrownBy(() -> list.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(AgentChannelException.class);
            assertThat(channel.isOpen()).isFalse();
        }
    }

    @Test
    void anAgentThatLiesAboutAWatchEndsItsChannel() throws Exception {
        byte[] relative = ByteBuffer.allocate(4 + 4 + 5 + 4).putInt(1).putInt(5).put("a.txt".getBytes(UTF_8)).putInt(0).array();
        for (List<byte[]> answers : List.of(
                List.of(frame(AgentFrames.CHANGED, 1, relative)), // a change before the watch is in place
                List.of(frame(AgentFrames.WATCHING, 1, new byte[1])),
                List.of(frame(AgentFrames.WATCHING, 1, new byte[0]), frame(AgentFrames.CHANGED, 1, relative)))) {
            PipedInputStream fromAgent = new PipedInputStream(1 << 20);
            PipedOutputStream agentOut = new PipedOutputStream(fromAgent);
            agentOut.write(frame(AgentFrames.HELLO, 0, hello()));
            AgentChannel channel = AgentChannel.open(fromAgent, OutputStreamSink.INSTANCE, agentOut::close, HELLO);
            List<FileEvent> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            Future<FileWatch> watch = Executors.newVirtualThreadPerTaskExecutor().submit(() -> channel.watch("/workspace", true, seen::add));
            Thread.sleep(50);
            for (byte[] answer : answers) {
                agentOut.write(answer);
            }
            agentOut.flush();
            try {
                FileWatch started = watch.get(10, TimeUnit.SECONDS);
                assertThatThrownBy(() -> started.ended().get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(AgentChannelException.class);
            } catch (java.util.concurrent.ExecutionException refused) {
                assertThat(refused).hasCauseInstanceOf(AgentChannelException.class);
            }
            assertThat(seen).as("nothing of a lie is believed").isEmpty();
            assertThat(channel.isOpen()).isFalse();
        }
    }

    private static byte[] hello() {
        return ByteBuffer.allocate(4 + 4 + 4).putInt(AgentFrames.PROTOCOL).putInt(4).put("test".getBytes(UTF_8)).array();
    }

    private static byte[] header(byte type, int stream, int length) {
        return ByteBuffer.allocate(9).put(type).putInt(stream).putInt(length).array();
    }

    private static byte[] frame(byte type, int stream, byte[] payload) {
        return ByteBuffer.allocate(9 + payload.length).put(header(type, stream, payload.length)).put(payload).array();
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Where a fake agent's input goes: nowhere. */
    private static final class OutputStreamSink extends java.io.OutputStream {
        static final OutputStreamSink INSTANCE = new OutputStreamSink();

        @Override
        public void write(int b) {
        }
    }
}
