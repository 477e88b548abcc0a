package com.stateset.sandbox.docker;

import static java.util.Objects.requireNonNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.StreamType;
import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.ExecSpec;
import com.stateset.sandbox.spi.runtime.ProcessReaper;
import com.stateset.sandbox.spi.runtime.SandboxNotRunningException;
import com.stateset.sandbox.spi.runtime.SandboxRecoveringException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.SandboxRuntimeException;
import com.stateset.sandbox.spi.runtime.Terminal;
import com.stateset.sandbox.spi.runtime.TerminalSpec;
import com.stateset.sandbox.spi.runtime.FileEvent;
import com.stateset.sandbox.spi.runtime.FileWatch;
import com.stateset.sandbox.spi.runtime.FileWatchUnavailableException;
import com.stateset.sandbox.spi.runtime.TerminalUnavailableException;
import com.stateset.sandbox.spi.runtime.process.ProcessesUnavailableException;
import com.stateset.sandbox.spi.runtime.process.SandboxProcesses;
import com.stateset.sandbox.spi.runtime.agent.AgentChannel;
import com.stateset.sandbox.spi.runtime.agent.AgentChannelException;
import com.stateset.sandbox.spi.runtime.agent.AgentCommandNotStartedException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs commands as the sandbox user: through the sandbox's agent when it has one that answers
 * (see {@link DockerAgents}), else through the exec API. Docker has no call that kills an exec, so
 * each command carries a random marker in its environment, inherited by everything it starts; on
 * timeout a second exec kills the command's process group and every process whose environment
 * holds the marker. The killer uses shell built-ins only, so it still works when a fork bomb has
 * used up the pids limit.
 */
final class DockerExec {

    private static final Logger LOG = LoggerFactory.getLogger(DockerExec.class);
    static final String MARKER_VARIABLE = "STATESET_EXEC_ID";
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final Duration DRAIN_AFTER_KILL = Duration.ofSeconds(5);
    private static final Duration KILL_PATIENCE = Duration.ofSeconds(5);
    /** How long a supervisor's reap, and the killed processes' going, may take before it is asked again. */
    private static final Duration AFTER_REAP_PATIENCE = Duration.ofSeconds(15);
    /** How long killed processes may take to be gone (reaped) before the sandbox runs commands again. */
    private static final Duration SETTLE = Duration.ofSeconds(5);
    /** How long after a clean kill the killer looks again, for processes that were half-forked. */
    private static final Duration CONFIRM_AFTER = Duration.ofMillis(300);
    /**
     * Tries each step makes whatever the time: on a loaded host one exec can take longer than a
     * step's patience, and a reap still running kills the server's own probes too.
     */
    private static final int MIN_ATTEMPTS = 3;
    /** Times the supervisor is asked to reap before the sandbox is left as it is (each reap repeats its own sweeps). */
    private static final int SUPERVISOR_SIGNALS = 3;
    private static final List<String> READY = List.of("echo", "ready");
    /** The exit code and the first words of the engine's answer for a process it could not start. */
    private static final int ENGINE_CANNOT_RUN = 126;
    private static final String ENGINE_FAILURE = "OCI runtime exec failed";
    /** Its reason when the sandbox had no pid left (runc, gVisor). */
    private static final Pattern NO_PID_LEFT = Pattern.compile("try again|resource temporarily unavailable", Pattern.CASE_INSENSITIVE);
    /** How long a command waits for its sandbox's recovery before it is refused, at most. */
    private static final Duration RECOVERY_WAIT = Duration.ofSeconds(10);
    /** The pause between the rounds of a recovery that goes on after its command has answered. */
    private static final Duration RECOVERY_PAUSE = Duration.ofSeconds(5);

    // The command was started as the leader of its own process group (the engine does that for
    // every exec), and what it starts stays in that group unless it leaves on purpose. The killer
    // learns the groups from processes carrying the marker in /proc/<pid>/environ, adds the groups
    // earlier runs found (its further arguments), and
    // kills the groups and every live member, scan after scan, until a whole scan finds none.
    // Marked processes that left the group are reaped last. It prints the groups it knows, and
    // "clean" when it found nothing at all to kill: gVisor's kernel lets a process being forked
    // slip past a group kill now and then, and does not always show its environ, so the caller
    // runs it until a run is clean.
    private static final String KILL_SCRIPT = ProcessReaper.FUNCTION + ProcessReaper.CHOSEN_BY_MARKER + """
            marker=$1; shift; groups=" $* "; dirty=0
            for d in /proc/[0-9]*; do
              chosen "${d#/proc/}" || continue
              dirty=1
              stat=''
              read -r stat 2>/dev/null < "$d/stat" || continue
              set -- ${stat##*) }
              [ "$3" -gt 1 ] 2>/dev/null || continue
              case "$groups" in *" $3 "*) ;; *) groups="$groups$3 " ;; esac
            done
            echo "groups$groups"
            pass=0
            while [ $pass -lt 100 ]; do
              for g in $groups; do kill -9 "-$g" 2>/dev/null; done
              found=0
              for d in /proc/[0-9]*; do
                stat=''
                read -r stat 2>/dev/null < "$d/stat" || continue
                set -- ${stat##*) }
                case "$1" in Z|X) continue ;; esac
                case "$groups" in *" $3 "*) found=1; kill -9 "${d#/proc/}" 2>/dev/null ;; esac
              done
              [ $found = 0 ] && break
              dirty=1
              pass=$((pass + 1))
            done
            [ $dirty = 1 ] && reap
            [ $dirty = 0 ] && echo clean
            """;

    private final DockerClient docker;
    private final String user;
    private final DockerAgents agents;
    /** The sandboxes being reaped, each done once it runs commands again. */
    private final Map<String, CompletableFuture<Void>> recoveries = new ConcurrentHashMap<>();

    /** @param agents the sandboxes' agents, null if there are none: commands then go through the engine's exec */
    DockerExec(DockerClient docker, String user, DockerAgents agents) {
        this.docker = requireNonNull(docker, "docker is null");
        this.user = requireNonNull(user, "user is null");
        this.agents = agents;
    }

    ExecResult run(String sandboxId, ExecSpec spec, ExecOutput output) {
        awaitRecovery(sandboxId, spec.timeout());
        String markerValue = HexFormat.of().formatHex(randomBytes());
        String marker = MARKER_VARIABLE + "=" + markerValue;
        String workingDir = spec.workingDir() == null ? SandboxRuntime.WORKSPACE : spec.workingDir();
        AgentChannel agent = agents == null ? null : agents.channel(sandboxId);
        if (agent != null) {
            Map<String, String> env = new LinkedHashMap<>(spec.env());
            env.put(MARKER_VARIABLE, markerValue);
            try {
                return throughAgent(agent, sandboxId, marker, spec.argv(), env, workingDir, spec.timeout(), output);
            } catch (AgentChannelException e) {
                if (e.commandSent()) {
                    throw new SandboxRuntimeException("the sandbox's agent went away while the command ran (what the command"
                            + " started was killed): " + e.getMessage(), e);
                }
                // It never reached the agent: the engine runs it.
            }
        }
        List<String> env = new ArrayList<>();
        spec.env().forEach((k, v) -> env.add(k + "=" + v));
        env.add(marker);
        String execId = create(sandboxId, spec.argv(), env, workingDir);

        OutputCallback callback = new OutputCallback(output);
        try {
            DockerErrors.onSandbox(sandboxId, () -> docker.execStartCmd(execId).exec(callback));
            boolean finished = await(callback, spec.timeout());
            if (!finished || callback.outputFailure != null) {
                kill(sandboxId, marker);
                await(callback, DRAIN_AFTER_KILL);
                if (callback.outputFailure != null) {
                    throw callback.outputFailure;
                }
                return ExecResult.timeout();
            }
            int code = DockerErrors.onSandbox(sandboxId, () -> exitCode(execId));
            if (code == ENGINE_CANNOT_RUN && callback.held != null && NO_PID_LEFT.matcher(callback.held).find()) {
                throw noPidLeft(sandboxId);
            }
            callback.release();
            return new ExecResult(code, false);
        } catch (InterruptedException e) {
            // Kill with the flag cleared (its waits would fail at once), then restore it.
            kill(sandboxId, marker);
            Thread.currentThread().interrupt();
            throw new SandboxRuntimeException("interrupted while running a command", e);
        } finally {
            closeQuietly(callback);
        }
    }

    /** A terminal through the sandbox's agent; there is none without one. */
    Terminal openTerminal(String sandboxId, TerminalSpec spec, ExecOutput output) {
        awaitRecovery(sandboxId, RECOVERY_WAIT);
        AgentChannel agent = agents == null ? null : agents.channel(sandboxId);
        if (agent == null) {
            throw new TerminalUnavailableException("sandbox " + sandboxId + " has no agent that answers, and a terminal needs one");
        }
        TerminalSpec placed = new TerminalSpec(spec.argv(), spec.env(), spec.workingDir() == null ? SandboxRuntime.WORKSPACE
                : spec.workingDir(), spec.rows(), spec.cols());
        try {
            return agent.openTerminal(placed, output);
        } catch (AgentChannelException e) {
            throw new TerminalUnavailableException("the sandbox's agent went away: " + e.getMessage());
        }
    }

    /** A watch of a directory through the sandbox's agent; there is none without one. */
    FileWatch watch(String sandboxId, String directory, boolean recursive, Consumer<FileEvent> changes) {
        awaitRecovery(sandboxId, RECOVERY_WAIT);
        AgentChannel agent = agents == null ? null : agents.channel(sandboxId);
        if (agent == null) {
            throw new FileWatchUnavailableException("sandbox " + sandboxId + " has no agent that answers, and watching files needs one");
        }
        try {
            return agent.watch(directory, recursive, changes);
        } catch (AgentChannelException e) {
            throw new FileWatchUnavailableException("the sandbox's agent went away: " + e.getMessage());
        }
    }

    /** The sandbox's background processes, kept by its agent; there are none without one. */
    SandboxProcesses processes(String sandboxId) {
        awaitRecovery(sandboxId, RECOVERY_WAIT);
        AgentChannel agent = agents == null ? null : agents.channel(sandboxId);
        if (agent == null) {
            throw new ProcessesUnavailableException("sandbox " + sandboxId + " has no agent that answers, and background processes"
                    + " need one");
        }
        return agent.processes();
    }

    /**
     * Runs the command through the agent. Past its timeout, when the caller's output fails, or when
     * the channel ends under it, the agent is asked to kill the command and the runtime kills it
     * itself anyway (by its marker, as for the engine's exec): the agent is not trusted to.
     */
    private ExecResult throughAgent(AgentChannel agent, String sandboxId, String marker, List<String> argv, Map<String, String> env,
            String workingDir, Duration timeout, ExecOutput output) {
        boolean over = false;
        try {
            ExecResult result = agent.run(argv, env, workingDir, timeout, output);
            over = !result.timedOut();
            return result;
        } catch (AgentCommandNotStartedException e) {
            over = true;
            if (NO_PID_LEFT.matcher(e.getMessage()).find()) {
                throw noPidLeft(sandboxId);
            }
            byte[] reason = (e.getMessage() + "\n").getBytes(StandardCharsets.UTF_8);
            output.stderr(reason, 0, reason.length);
            return new ExecResult(AgentChannel.CANNOT_RUN, false);
        } catch (AgentChannelException e) {
            over = !e.commandSent();
            throw e;
        } finally {
            if (!over) {
                kill(sandboxId, marker);
            }
        }
    }

    /** Waits for the output stream to end; a stream broken because the caller's output failed counts as ended. */
    private static boolean await(OutputCallback callback, Duration timeout) throws InterruptedException {
        try {
            return callback.awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (RuntimeException streamError) {
            if (callback.outputFailure != null) {
                return true;
            }
            throw DockerErrors.translate(streamError);
        }
    }

    private String create(String sandboxId, List<String> argv, List<String> env, String workingDir) {
        return DockerErrors.onSandbox(sandboxId, () -> {
            try {
                return docker.execCreateCmd(sandboxId)
                        .withCmd(argv.toArray(String[]::new))
                        .withEnv(env)
                        .withUser(user)
                        .withWorkingDir(workingDir)
                        .withAttachStdin(false)
                        .withAttachStdout(true)
                        .withAttachStderr(true)
                        .exec()
                        .getId();
            } catch (ConflictException notRunning) {
                throw new SandboxNotRunningException(sandboxId, null, notRunning);
            }
        });
    }

    private int exitCode(String execId) {
        // The stream can end a moment before the engine records the exit code: ask again soon, then
        // less often (about half a second in all).
        for (int attempt = 0; attempt < 60; attempt++) {
            InspectExecResponse inspect = docker.inspectExecCmd(execId).exec();
            if (!Boolean.TRUE.equals(inspect.isRunning()) && inspect.getExitCodeLong() != null) {
                return inspect.getExitCodeLong().intValue();
            }
            sleepQuietly(Math.min(10, attempt + 1));
        }
        throw new SandboxRuntimeException("the engine did not report the command's exit code");
    }

    /**
     * Kills every process carrying {@code marker}, and returns once the sandbox runs commands again.
     * The killer runs until a run finds nothing left to kill. When a fork bomb holds every pid the
     * engine cannot start it (the exec ends at once, without running); after {@link #KILL_PATIENCE},
     * or if the sandbox still cannot run a command, the sandbox's {@link Supervisor} is signalled
     * and kills every process of the sandbox: the only way left to give the sandbox back to its owner.
     * It is signalled again until the killer runs clean: a process that escaped the reap half-forked
     * would regrow the bomb. Each step insists for a while and a few tries: under load one exec can
     * take seconds, and slow recovery beats a sandbox left unusable. From the first signal until the
     * sandbox runs commands again, its new commands wait and are then refused ({@link
     * SandboxRecoveringException}) rather than started for a reap to kill; if it still cannot after
     * {@link #SUPERVISOR_SIGNALS} reaps, this returns and the recovery goes on in the background.
     */
    void kill(String sandboxId, String marker) {
        // With the interrupt flag set every wait would end at once and the engine's client would
        // cancel its calls, leaving the bomb running: the kill runs with the flag cleared (each try
        // clears it again; an interrupt during the kill only ends it no sooner than its bounds) and
        // restores it after.
        boolean interrupted = Thread.interrupted();
        try {
            killClearingInterrupts(sandboxId, marker);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void killClearingInterrupts(String sandboxId, String marker) {
        Set<String> groups = new LinkedHashSet<>();
        if (cleared(sandboxId, marker, groups, KILL_PATIENCE)) {
            return;
        }
        CompletableFuture<Void> recovery = new CompletableFuture<>();
        CompletableFuture<Void> other = recoveries.putIfAbsent(sandboxId, recovery);
        if (other != null) {
            // Another command's kill is reaping the sandbox already, and its reap ends this one's processes too.
            awaitQuietly(other, AFTER_REAP_PATIENCE);
            return;
        }
        LOG.warn("sandbox {}: a command's processes hold every pid; killing all its processes", sandboxId);
        if (reaped(sandboxId, marker, groups)) {
            recovered(sandboxId, recovery);
            return;
        }
        LOG.warn("sandbox {} still cannot run commands after its processes were killed; its commands are refused"
                + " until they can run", sandboxId);
        recoverInBackground(sandboxId, marker, groups, recovery);
    }

    /**
     * A command could not start: processes left by earlier commands hold every pid (a fork bomb's
     * that outlived its command: under gVisor such a bomb would soon bring down the whole sandbox).
     * Nothing else can free the sandbox, so its supervisor reaps every process of it; the answer
     * says so, and commands wait for the reap or are refused until it is over.
     */
    private SandboxRecoveringException noPidLeft(String sandboxId) {
        CompletableFuture<Void> recovery = new CompletableFuture<>();
        if (recoveries.putIfAbsent(sandboxId, recovery) == null) {
            LOG.warn("sandbox {}: a command could not start, processes of earlier commands hold every pid; killing all"
                    + " its processes", sandboxId);
            String nobody = MARKER_VARIABLE + "=" + HexFormat.of().formatHex(randomBytes());
            recoverInBackground(sandboxId, nobody, new LinkedHashSet<>(), recovery);
        }
        return new SandboxRecoveringException(sandboxId, RECOVERY_PAUSE);
    }

    private void recoverInBackground(String sandboxId, String marker, Set<String> groups, CompletableFuture<Void> recovery) {
        Thread.ofVirtual().name("recover-" + sandboxId).start(() -> {
            while (!reaped(sandboxId, marker, groups)) {
                sleepQuietly(RECOVERY_PAUSE.toMillis());
            }
            recovered(sandboxId, recovery);
        });
    }

    /**
     * Has the supervisor reap until the sandbox runs commands again, {@link #SUPERVISOR_SIGNALS}
     * times at most; whether it does, or is gone (nothing left to recover).
     */
    private boolean reaped(String sandboxId, String marker, Set<String> groups) {
        for (int signal = 1; signal <= SUPERVISOR_SIGNALS; signal++) {
            Thread.interrupted();
            if (!signalSupervisor(sandboxId) || cleared(sandboxId, marker, groups, AFTER_REAP_PATIENCE)) {
                return true;
            }
        }
        return false;
    }

    private void recovered(String sandboxId, CompletableFuture<Void> recovery) {
        recoveries.remove(sandboxId, recovery);
        recovery.complete(null);
        LOG.info("sandbox {} runs commands again", sandboxId);
    }

    /**
     * Returns once no reap of the sandbox is under way, waiting for one for {@code patience} at
     * most: the supervisor's reap kills every process of the sandbox, and would kill a command
     * started meanwhile without a word.
     *
     * @throws SandboxRecoveringException if the sandbox is still being reaped
     */
    private void awaitRecovery(String sandboxId, Duration patience) {
        CompletableFuture<Void> recovery = recoveries.get(sandboxId);
        if (recovery != null && !awaitQuietly(recovery, patience.compareTo(RECOVERY_WAIT) < 0 ? patience : RECOVERY_WAIT)) {
            throw new SandboxRecoveringException(sandboxId, RECOVERY_PAUSE);
        }
    }

    private static boolean awaitQuietly(CompletableFuture<Void> recovery, Duration patience) {
        try {
            recovery.get(patience.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException | ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Whether the killer ran clean, the sandbox runs commands again, and the killer still finds
     * nothing a moment later: a process half-forked while the killer ran can surface after it (gVisor)
     * and would regrow the bomb behind a sandbox that looked recovered.
     */
    private boolean cleared(String sandboxId, String marker, Set<String> groups, Duration patience) {
        if (!killUntilClean(sandboxId, marker, groups, patience) || !ready(sandboxId)) {
            return false;
        }
        sleepQuietly(CONFIRM_AFTER.toMillis());
        if (killOnce(sandboxId, marker, groups)) {
            return true;
        }
        LOG.warn("sandbox {}: processes of a killed command surfaced after the kill; killing again", sandboxId);
        return killUntilClean(sandboxId, marker, groups, patience) && ready(sandboxId);
    }

    /**
     * Asks the supervisor to reap, again after a failure: the engine refuses a signal now and then
     * while a sandbox is swamped (under gVisor even as "not running" while it runs). False if the
     * sandbox is gone or stopped.
     */
    private boolean signalSupervisor(String sandboxId) {
        for (int attempt = 1; attempt <= MIN_ATTEMPTS; attempt++) {
            Thread.interrupted();
            try {
                docker.killContainerCmd(sandboxId).withSignal(Supervisor.SIGNAL).exec();
                return true;
            } catch (NotFoundException | ConflictException refused) {
                if (!running(sandboxId)) {
                    LOG.warn("sandbox {} is gone or stopped: nothing left to kill", sandboxId);
                    return false;
                }
                LOG.warn("signalling the supervisor of sandbox {} was refused, though it runs: {}", sandboxId, refused.getMessage());
                sleepQuietly(200L * attempt);
            } catch (RuntimeException e) {
                LOG.warn("signalling the supervisor of sandbox {} failed: {}", sandboxId, e.toString());
                sleepQuietly(200L * attempt);
            }
        }
        return true;
    }

    private boolean running(String sandboxId) {
        try {
            return Boolean.TRUE.equals(docker.inspectContainerCmd(sandboxId).exec().getState().getRunning());
        } catch (NotFoundException gone) {
            return false;
        } catch (RuntimeException unknown) {
            return true;
        }
    }

    /**
     * Runs the killer until a run finds nothing to kill, for {@code patience} (and at least
     * {@link #MIN_ATTEMPTS} times); whether one did.
     */
    private boolean killUntilClean(String sandboxId, String marker, Set<String> groups, Duration patience) {
        long deadline = System.nanoTime() + patience.toNanos();
        for (int attempt = 1; attempt <= MIN_ATTEMPTS || System.nanoTime() < deadline; attempt++) {
            if (killOnce(sandboxId, marker, groups)) {
                return true;
            }
            sleepQuietly(Math.min(200, 10L * attempt));
        }
        return false;
    }

    /** Runs the killer once, adding the groups it learnt to {@code groups}; whether it found nothing to kill. */
    private boolean killOnce(String sandboxId, String marker, Set<String> groups) {
        Thread.interrupted();
        List<String> killer = new ArrayList<>(List.of("/bin/sh", "-c", KILL_SCRIPT, "sh", marker));
        killer.addAll(groups);
        String out = runOnce(sandboxId, killer);
        if (out == null) {
            return false;
        }
        out.lines().filter(l -> l.startsWith("groups")).findFirst()
                .ifPresent(l -> groups.addAll(List.of(l.substring("groups".length()).trim().split("\\s+"))));
        groups.remove("");
        return out.lines().anyMatch("clean"::equals);
    }

    /**
     * Whether the sandbox runs a command again within {@link #SETTLE} (and {@link #MIN_ATTEMPTS}
     * tries): killed processes free their slots.
     */
    private boolean ready(String sandboxId) {
        long deadline = System.nanoTime() + SETTLE.toNanos();
        for (int attempt = 1; attempt <= MIN_ATTEMPTS || System.nanoTime() < deadline; attempt++) {
            Thread.interrupted();
            String out = runOnce(sandboxId, READY);
            if (out != null && out.contains("ready")) {
                return true;
            }
            sleepQuietly(Math.min(200, 10L * attempt));
        }
        return false;
    }

    /** Runs a short command of the server's own and answers its output, or null if it could not run. */
    private String runOnce(String sandboxId, List<String> argv) {
        try {
            String execId = docker.execCreateCmd(sandboxId)
                    .withCmd(argv.toArray(String[]::new))
                    .withUser(user)
                    .withAttachStdout(true)
                    .withAttachStderr(true)
                    .exec()
                    .getId();
            StringBuilder out = new StringBuilder();
            try (ResultCallback.Adapter<Frame> callback = docker.execStartCmd(execId).exec(new ResultCallback.Adapter<Frame>() {
                @Override
                public void onNext(Frame frame) {
                    out.append(new String(frame.getPayload(), StandardCharsets.UTF_8));
                }
            })) {
                callback.awaitCompletion(30, TimeUnit.SECONDS);
            }
            return out.toString();
        } catch (java.io.IOException e) {
            LOG.debug("closing an exec stream in {} failed", sandboxId, e);
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        } catch (RuntimeException e) {
            LOG.debug("{} in {} failed", argv.get(0), sandboxId, e);
            return null;
        }
    }

    private static byte[] randomBytes() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return bytes;
    }

    private static void sleepQuietly(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(OutputCallback callback) {
        try {
            callback.close();
        } catch (Exception e) {
            LOG.debug("closing exec stream failed", e);
        }
    }

    /**
     * Hands frames to the caller's output; remembers the output's failure. Output that begins as the
     * engine's report of a process it could not start is held until the exit code tells whether it
     * was that report (then it is no output of the command's) or the command's own.
     */
    private static final class OutputCallback extends ResultCallback.Adapter<Frame> {
        private final ExecOutput output;
        private volatile RuntimeException outputFailure;
        private boolean first = true;
        private volatile String held;

        OutputCallback(ExecOutput output) {
            this.output = output;
        }

        @Override
        public void onNext(Frame frame) {
            if (outputFailure != null) {
                return;
            }
            byte[] payload = frame.getPayload();
            if (first) {
                first = false;
                String text = new String(payload, StandardCharsets.UTF_8);
                if (frame.getStreamType() != StreamType.STDERR && text.startsWith(ENGINE_FAILURE)) {
                    held = text;
                    return;
                }
            }
            if (held != null) {
                release();
            }
            deliver(frame.getStreamType(), payload);
        }

        /** Hands on the output held back: it was the command's own. */
        void release() {
            String text = held;
            held = null;
            if (text != null && outputFailure == null) {
                deliver(StreamType.STDOUT, text.getBytes(StandardCharsets.UTF_8));
            }
        }

        private void deliver(StreamType stream, byte[] payload) {
            try {
                switch (stream) {
                    case STDOUT, RAW -> output.stdout(payload, 0, payload.length);
                    case STDERR -> output.stderr(payload, 0, payload.length);
                    default -> {
                        // stdin echo does not happen without a TTY
                    }
                }
            } catch (RuntimeException e) {
                outputFailure = e;
                closeQuietly(this);
            }
        }

    }
}
