package com.stateset.sandbox.spi.runtime.agent;

import static java.util.Objects.requireNonNull;

import com.stateset.sandbox.spi.Experimental;
import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.FileEvent;
import com.stateset.sandbox.spi.runtime.FileWatch;
import com.stateset.sandbox.spi.runtime.SandboxFileException;
import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import com.stateset.sandbox.spi.runtime.Terminal;
import com.stateset.sandbox.spi.runtime.TerminalSpec;
import com.stateset.sandbox.spi.runtime.process.ExitStatus;
import com.stateset.sandbox.spi.runtime.process.ProcessOutput;
import com.stateset.sandbox.spi.runtime.process.SandboxProcesses;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A channel to a sandbox's agent ({@code stateset-agent serve}, whose protocol agent/README.md
 * describes): commands run as streams of one connection, the agent's standard input and output as
 * the runtime reaches them (the engine's own exec stream, say). The agent is untrusted: every frame
 * is checked before it is believed, one that breaks the protocol ends the channel, and a command's
 * timeout is kept here, never taken from the agent; a hung agent costs its caller the timeout and
 * no more.
 */
@Experimental
public final class AgentChannel implements Closeable {

    /** How long a killed command may take to say so before its timeout is answered anyway. */
    private static final Duration KILL_GRACE = Duration.ofSeconds(2);
    /** How long a frame may take to be written: an agent that stops reading ends its channel. */
    private static final Duration WRITE_TIMEOUT = Duration.ofSeconds(10);
    private static final int SIGKILL = 9;
    /** What a runtime answers for a command the agent could not start, as a shell does for one it cannot run. */
    public static final int CANNOT_RUN = 127;

    private final DataInputStream in;
    private final OutputStream out;
    private final Closeable transport;
    private final String agentVersion;
    private final Map<Integer, Command> commands = new ConcurrentHashMap<>();
    /** Requests waiting for their one answer, by stream. */
    private final Map<Integer, CompletableFuture<AgentFrames.Frame>> requests = new ConcurrentHashMap<>();
    private final AtomicInteger streams = new AtomicInteger();
    private final Object pinging = new Object();
    private final ExecutorService writer = Executors.newSingleThreadExecutor(Thread.ofVirtual().name("agent-writer").factory());
    private final AtomicInteger pings = new AtomicInteger();
    private volatile Pong pong;
    private volatile String endedBecause;

    private AgentChannel(DataInputStream in, OutputStream out, Closeable transport, String agentVersion) {
        this.in = in;
        this.out = out;
        this.transport = transport;
        this.agentVersion = agentVersion;
    }

    /**
     * Opens the channel once the agent has said hello within {@code helloWithin}; {@code transport}
     * is closed with the channel (and when the agent does not answer).
     */
    public static AgentChannel open(InputStream fromAgent, OutputStream toAgent, Closeable transport, Duration helloWithin) {
        requireNonNull(transport, "transport is null");
        DataInputStream in = new DataInputStream(new BufferedInputStream(requireNonNull(fromAgent, "fromAgent is null")));
        CompletableFuture<String> hello = CompletableFuture.supplyAsync(() -> {
            try {
                AgentFrames.Frame f = AgentFrames.read(in);
                if (f == null || f.type() != AgentFrames.HELLO || f.stream() != 0) {
                    throw new AgentChannelException("the agent did not say hello");
                }
                return AgentFrames.hello(f.payload());
            } catch (IOException e) {
                throw new AgentChannelException("the agent's hello: " + e.getMessage(), e);
            }
        }, Thread::startVirtualThread);
        try {
            String version = hello.get(helloWithin.toMillis(), TimeUnit.MILLISECONDS);
            AgentChannel channel = new AgentChannel(in, requireNonNull(toAgent, "toAgent is null"), transport, version);
            Thread.startVirtualThread(channel::readFrames);
            return channel;
        } catch (TimeoutException e) {
            closeQuietly(transport);
            throw new AgentChannelException("the agent did not answer within " + helloWithin.toMillis() + " ms");
        } catch (ExecutionException e) {
            closeQuietly(transport);
            throw e.getCause() instanceof AgentChannelException known ? known : new AgentChannelException("no agent", e.getCause());
        } catch (InterruptedException e) {
            closeQuietly(transport);
            Thread.currentThread().interrupt();
            throw new AgentChannelException("interrupted while waiting for the agent");
        }
    }

    /** The agent's version, as it said. */
    public String agentVersion() {
        return agentVersion;
    }

    /** Whether nothing is in flight: no command, terminal, request, attachment or watch. */
    public boolean isIdle() {
        return commands.isEmpty() && requests.isEmpty();
    }

    /** Whether commands can still run through the channel. */
    public boolean isOpen() {
        return endedBecause == null;
    }

    /**
     * Runs a command through the agent, its output to {@code output} as it arrives, and kills its
     * process group past {@code timeout}. A failure of {@code output} kills the command and is
     * thrown. {@code output} is called on the channel's reader: a sink that blocks holds up every
     * command of the channel (and past ten seconds ends it).
     *
     * @throws AgentCommandNotStartedException if the agent could not start the command
     * @throws AgentChannelException if the channel ends before the command does ({@link
     *     AgentChannelException#commandSent()} false if it had ended before the command was sent)
     */
    public ExecResult run(List<String> argv, Map<String, String> env, String workingDir, Duration timeout, ExecOutput output) {
        byte[] exec = sendable(AgentFrames.exec(argv, env, workingDir));
        int stream = streams.incrementAndGet();
        Command command = new Command(stream, requireNonNull(output, "output is null"));
        commands.put(stream, command);
        try {
            send(AgentFrames.EXEC, stream, exec);
            int code = await(command, timeout).code();
            if (command.outputFailure != null) {
                throw command.outputFailure;
            }
            return new ExecResult(code, false);
        } catch (TimeoutException e) {
            kill(stream);
            try {
                await(command, KILL_GRACE);
            } catch (TimeoutException | AgentChannelException ignored) {
                // the timeout stands; the runtime's own kill follows if the agent did not obey
            }
            return ExecResult.timeout();
        } finally {
            commands.remove(stream);
        }
    }

    /**
     * Starts a command on a terminal of its own (see {@link SandboxRuntime#openTerminal}); its
     * output goes to {@code output}'s {@code stdout} on the channel's reader.
     *
     * @throws AgentChannelException if the channel has ended or ends while the command is sent
     */
    public Terminal openTerminal(TerminalSpec spec, ExecOutput output) {
        byte[] pty = sendable(AgentFrames.pty(spec.argv(), spec.env(), spec.workingDir(), spec.rows(), spec.cols()));
        int stream = streams.incrementAndGet();
        Command command = new Command(stream, requireNonNull(output, "output is null"));
        commands.put(stream, command);
        try {
            send(AgentFrames.EXEC_PTY, stream, pty);
        } catch (RuntimeException e) {
            commands.remove(stream);
            throw e;
        }
        return new AgentTerminal(command);
    }

    /** A command's frame, if it fits in one and the channel is still open to take it. */
    private byte[] sendable(byte[] command) {
        if (command.length > AgentFrames.MAX_PAYLOAD) {
            throw new IllegalArgumentException("the command and its environment take " + command.length + " bytes; the agent takes "
                    + AgentFrames.MAX_PAYLOAD);
        }
        String ended = endedBecause;
        if (ended != null) {
            throw AgentChannelException.beforeSending("the agent's channel is closed: " + ended);
        }
        return command;
    }

    /**
     * The sandbox's background processes, kept by the agent beyond this channel: another channel
     * to the same agent (after a server restart, say) finds them.
     */
    public SandboxProcesses processes() {
        return new AgentProcesses(this);
    }

    /**
     * Sends a request as a stream of its own and waits {@code within} for its one answer; null if
     * none came by then (the request is then given up on: a later answer is ignored).
     */
    AgentFrames.Frame request(byte type, byte[] payload, Duration within) {
        byte[] sent = sendable(payload);
        int stream = streams.incrementAndGet();
        CompletableFuture<AgentFrames.Frame> answer = new CompletableFuture<>();
        requests.put(stream, answer);
        try {
            send(type, stream, sent);
            return answer.get(within.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            detach(stream); // a Wait given up on; any other request has ended already
            return null;
        } catch (ExecutionException e) {
            throw e.getCause() instanceof AgentChannelException ended ? ended : new AgentChannelException("the agent failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentChannelException("interrupted while waiting for the agent");
        } finally {
            requests.remove(stream);
        }
    }

    /** Follows a stream of frames (an Attach) to {@code output} until its Exit; returns its stream. */
    int follow(byte type, byte[] payload, ProcessOutput output, CompletableFuture<ExitStatus> exit) {
        byte[] sent = sendable(payload);
        int stream = streams.incrementAndGet();
        Command command = new Command(stream, requireNonNull(output, "output is null"));
        commands.put(stream, command);
        command.exit.whenComplete((status, failure) -> {
            commands.remove(stream);
            if (failure == null) {
                exit.complete(status);
            } else {
                exit.completeExceptionally(failure);
            }
        });
        try {
            send(type, stream, sent);
        } catch (RuntimeException e) {
            commands.remove(stream);
            throw e;
        }
        return stream;
    }

    /**
     * Watches a directory through the agent (see {@link SandboxRuntime#watch}); {@code changes} is
     * called on the channel's reader.
     *
     * @throws SandboxFileException if the agent cannot watch it, by its reason as the agent words it
     * @throws AgentChannelException if the channel ends, or the agent does not answer within ten seconds
     */
    public FileWatch watch(String directory, boolean recursive, Consumer<FileEvent> changes) {
        byte[] payload = sendable(AgentFrames.watch(directory, recursive));
        int stream = streams.incrementAndGet();
        Command command = new Command(stream, ExecOutput.DISCARD);
        command.changes = requireNonNull(changes, "changes is null");
        commands.put(stream, command);
        try {
            send(AgentFrames.WATCH, stream, payload);
            CompletableFuture.anyOf(command.watching, command.exit).get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            commands.remove(stream);
            if (e.getCause() instanceof AgentCommandNotStartedException refused) {
                throw fileException(directory, refused.getMessage());
            }
            throw e.getCause() instanceof AgentChannelException ended ? ended : new AgentChannelException("the agent failed", e.getCause());
        } catch (TimeoutException e) {
            unfollow(stream);
            throw new AgentChannelException("the agent did not answer a watch within " + WRITE_TIMEOUT.toSeconds() + " s");
        } catch (InterruptedException e) {
            unfollow(stream);
            Thread.currentThread().interrupt();
            throw new AgentChannelException("interrupted while waiting for the agent");
        } catch (RuntimeException e) {
            commands.remove(stream);
            throw e;
        }
        CompletableFuture<Void> ended = new CompletableFuture<>();
        command.exit.whenComplete((status, failure) -> {
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            ended.completeExceptionally(cause instanceof AgentCommandNotStartedException over
                    ? fileException(directory, "the watch of " + directory + " ended: " + over.getMessage())
                    : cause != null ? cause : new AgentChannelException("the agent answered a watch with an Exit"));
        });
        return new FileWatch() {
            @Override
            public CompletableFuture<Void> ended() {
                return ended;
            }

            @Override
            public void close() {
                unfollow(stream);
                ended.complete(null);
            }
        };
    }

    /** What the agent's refusal of a watch means, from its words (the agent is no more believed than that). */
    private static SandboxFileException fileException(String directory, String message) {
        SandboxFileException.Reason reason = message.contains("no such file") || message.contains("deleted or moved")
                ? SandboxFileException.Reason.NOT_FOUND
                : message.contains("permission denied") ? SandboxFileException.Reason.PERMISSION_DENIED
                : message.contains("not a directory") ? SandboxFileException.Reason.NOT_A_REGULAR_FILE
                : SandboxFileException.Reason.OTHER;
        return new SandboxFileException(reason, directory, message);
    }

    /** Stops following a stream (its later frames are ignored) and tells the agent to stop sending. */
    void unfollow(int stream) {
        if (commands.remove(stream) != null) {
            detach(stream);
        }
    }

    private void detach(int stream) {
        try {
            writer.submit(() -> {
                AgentFrames.write(out, AgentFrames.DETACH, stream, new byte[0]);
                return null;
            });
        } catch (RejectedExecutionException ended) {
            // the channel is over, and the stream with it
        }
    }

    /** Ends the channel because the agent answered what no agent of this protocol answers. */
    AgentChannelException broken(String what) {
        end("the agent answered " + what);
        return new AgentChannelException("the agent broke its protocol: it answered " + what);
    }

    /** How long the agent takes to answer a ping. */
    public Duration ping(Duration within) {
        synchronized (pinging) {
            requireOpen();
            long started = System.nanoTime();
            byte[] nonce = AgentFrames.number(pings.incrementAndGet());
            CompletableFuture<Void> answered = new CompletableFuture<>();
            pong = new Pong(nonce, answered);
            if (!isOpen()) {
                answered.completeExceptionally(new AgentChannelException("the agent's channel is closed"));
            }
            send(AgentFrames.PING, 0, nonce);
            try {
                answered.get(within.toMillis(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                throw new AgentChannelException("the agent did not answer a ping within " + within.toMillis() + " ms");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AgentChannelException("interrupted while pinging the agent");
            }
            return Duration.ofNanos(System.nanoTime() - started);
        }
    }

    @Override
    public void close() {
        end("closed");
    }

    private ExitStatus await(Command command, Duration timeout) throws TimeoutException {
        try {
            return command.exit.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof AgentCommandNotStartedException notStarted) {
                throw new AgentCommandNotStartedException(notStarted.getMessage());
            }
            throw e.getCause() instanceof AgentChannelException ended ? ended : new AgentChannelException("the agent failed", e.getCause());
        } catch (InterruptedException e) {
            kill(command.stream);
            Thread.currentThread().interrupt();
            throw new SandboxRuntimeException("interrupted while running a command", e);
        }
    }

    /** Asks for a command's process group to be killed, without waiting: the reader calls this too. */
    private void kill(int stream) {
        signal(stream, SIGKILL);
    }

    private void signal(int stream, int signal) {
        try {
            writer.submit(() -> {
                AgentFrames.write(out, AgentFrames.SIGNAL, stream, AgentFrames.number(signal));
                return null;
            });
        } catch (RejectedExecutionException ended) {
            // the channel is over, and its commands with it
        }
    }

    /** Writes a frame within {@link #WRITE_TIMEOUT}, else ends the channel: an agent that stops reading holds no caller. */
    private void send(byte type, int stream, byte[] payload) {
        requireOpen();
        Future<?> written;
        try {
            written = writer.submit(() -> {
                AgentFrames.write(out, type, stream, payload);
                return null;
            });
        } catch (RejectedExecutionException closed) {
            throw new AgentChannelException("the agent's channel is closed: " + endedBecause);
        }
        try {
            written.get(WRITE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            end("the agent stopped reading");
            throw new AgentChannelException("the agent stopped reading its channel");
        } catch (ExecutionException e) {
            end("writing to the agent failed: " + e.getCause().getMessage());
            throw new AgentChannelException("the agent's channel broke: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AgentChannelException("interrupted while writing to the agent");
        }
    }

    private void requireOpen() {
        String why = endedBecause;
        if (why != null) {
            throw new AgentChannelException("the agent's channel is closed: " + why);
        }
    }

    /** The reader: every frame of the agent's, checked, to the command it belongs to. */
    private void readFrames() {
        try {
            for (AgentFrames.Frame f; (f = AgentFrames.read(in)) != null; ) {
                dispatch(f);
            }
            end("the agent ended the channel");
        } catch (IOException e) {
            end(e.getMessage());
        }
    }

    private void dispatch(AgentFrames.Frame f) throws IOException {
        if (f.type() == AgentFrames.PONG) {
            Pong waiting = pong;
            if (f.stream() == 0 && waiting != null && Arrays.equals(waiting.nonce(), f.payload())) {
                waiting.answered().complete(null);
            }
            return;
        }
        if (f.stream() == 0) {
            throw new AgentFrames.AgentProtocolException(f.type() == AgentFrames.ERROR
                    ? "its end: " + AgentFrames.text(f.payload()) : "a frame of type " + (f.type() & 0xff) + " on stream 0");
        }
        CompletableFuture<AgentFrames.Frame> request = requests.remove(f.stream());
        if (request != null) {
            request.complete(f); // its caller checks it
            return;
        }
        Command command = commands.get(f.stream());
        if (command == null) {
            // a command given up on (timed out) may still say something; anything else is a lie
            if (Integer.compareUnsigned(f.stream(), streams.get()) <= 0 && f.stream() != 0) {
                return;
            }
            throw new AgentFrames.AgentProtocolException("a frame for stream " + Integer.toUnsignedString(f.stream()) + ", which it was not given");
        }
        switch (f.type()) {
            case AgentFrames.STARTED -> AgentFrames.number(f.payload()); // its pid: checked, not needed
            case AgentFrames.STDOUT -> command.output(true, f.payload());
            case AgentFrames.STDERR -> command.output(false, f.payload());
            case AgentFrames.EXIT -> {
                ExitStatus status = AgentFrames.exitStatus(f.payload());
                commands.remove(f.stream()); // nothing more reaches its output once it has ended
                command.exit.complete(status);
            }
            case AgentFrames.WATCHING -> {
                if (command.changes == null || f.payload().length != 0) {
                    throw new AgentFrames.AgentProtocolException("a Watching frame for a command, or with a payload");
                }
                command.watching.complete(null);
            }
            case AgentFrames.CHANGED -> {
                if (command.changes == null || !command.watching.isDone()) {
                    throw new AgentFrames.AgentProtocolException("a change for a command, or before its watch");
                }
                command.changes.accept(AgentFrames.fileEvent(f.payload()));
            }
            case AgentFrames.ATTACHED -> {
                if (!(command.output instanceof ProcessOutput attached)) {
                    throw new AgentFrames.AgentProtocolException("an Attached frame for a command");
                }
                attached.from(AgentFrames.offset(f.payload()));
            }
            case AgentFrames.ERROR -> {
                commands.remove(f.stream());
                command.exit.completeExceptionally(new AgentCommandNotStartedException(AgentFrames.text(f.payload())));
            }
            default -> throw new AgentFrames.AgentProtocolException("a frame of type " + (f.type() & 0xff));
        }
    }

    private void end(String why) {
        synchronized (this) {
            if (endedBecause != null) {
                return;
            }
            endedBecause = why;
        }
        closeQuietly(transport);
        writer.shutdownNow();
        AgentChannelException ended = new AgentChannelException("the agent's channel ended: " + why);
        commands.values().forEach(c -> c.exit.completeExceptionally(ended));
        requests.values().forEach(r -> r.completeExceptionally(ended));
        Pong waiting = pong;
        if (waiting != null) {
            waiting.answered().completeExceptionally(ended);
        }
    }

    private static void closeQuietly(Closeable closeable) {
        if (closeable == null) {
            return;
        }
        try {
            closeable.close();
        } catch (IOException | RuntimeException ignored) {
            // ending anyway
        }
    }

    private record Pong(byte[] nonce, CompletableFuture<Void> answered) {
    }

    /** A command on a terminal, through the channel. */
    private final class AgentTerminal implements Terminal {
        /** What one Stdin frame carries at most: the agent queues 64 frames for a command. */
        private static final int INPUT_CHUNK = 32 * 1024;
        private static final Duration HANG_UP_GRACE = Duration.ofSeconds(2);
        private static final int SIGHUP = 1;
        private final Command command;
        private final CompletableFuture<Integer> exit = new CompletableFuture<>();

        AgentTerminal(Command command) {
            this.command = command;
            command.exit.whenComplete((status, failure) -> {
                commands.remove(command.stream);
                if (failure == null) {
                    exit.complete(status.code());
                } else {
                    exit.completeExceptionally(failure);
                }
            });
        }

        @Override
        public void write(byte[] bytes) {
            for (int from = 0; from < bytes.length; from += INPUT_CHUNK) {
                send(AgentFrames.STDIN, command.stream, Arrays.copyOfRange(bytes, from, Math.min(bytes.length, from + INPUT_CHUNK)));
            }
        }

        @Override
        public void resize(int rows, int cols) {
            TerminalSpec.requireSide("rows", rows);
            TerminalSpec.requireSide("cols", cols);
            send(AgentFrames.RESIZE, command.stream, AgentFrames.size(rows, cols));
        }

        @Override
        public CompletableFuture<Integer> exit() {
            return exit;
        }

        @Override
        public void close() {
            if (exit.isDone()) {
                return;
            }
            signal(command.stream, SIGHUP);
            Thread.startVirtualThread(() -> {
                try {
                    exit.get(HANG_UP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
                } catch (TimeoutException stillRunning) {
                    kill(command.stream);
                } catch (ExecutionException | InterruptedException over) {
                    // ended, one way or another
                }
            });
        }
    }

    /** A command running through the channel. */
    private final class Command {
        final int stream;
        final ExecOutput output;
        final CompletableFuture<ExitStatus> exit = new CompletableFuture<>();
        /** For a watch: its changes' consumer, and whether the agent has said it watches. */
        Consumer<FileEvent> changes;
        final CompletableFuture<Void> watching = new CompletableFuture<>();
        volatile RuntimeException outputFailure;

        Command(int stream, ExecOutput output) {
            this.stream = stream;
            this.output = output;
        }

        void output(boolean stdout, byte[] bytes) {
            if (outputFailure != null) {
                return;
            }
            try {
                if (stdout) {
                    output.stdout(bytes, 0, bytes.length);
                } else {
                    output.stderr(bytes, 0, bytes.length);
                }
            } catch (RuntimeException e) {
                outputFailure = e;
                kill(stream);
            }
        }
    }
}
