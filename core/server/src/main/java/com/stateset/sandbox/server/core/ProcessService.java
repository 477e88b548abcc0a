package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.ProcessRequests;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.agent.AgentChannelException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.TerminalSpec;
import com.stateset.sandbox.spi.runtime.process.ProcessInfo;
import com.stateset.sandbox.spi.runtime.process.ProcessSpec;
import com.stateset.sandbox.spi.runtime.process.SandboxProcesses;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * Background processes: commands started detached in a running sandbox, kept by the sandbox's
 * agent (which outlives this server's connection to it, and this server), with their latest output
 * kept for clients to attach to from any offset. Process ids are {@code proc_} and the agent's id;
 * they name a process of one sandbox only.
 */
public final class ProcessService {

    public static final int DEFAULT_BUFFER_BYTES = 1024 * 1024;
    public static final int DEFAULT_COLS = 80;
    public static final int DEFAULT_ROWS = 24;
    public static final Duration DEFAULT_WAIT = Duration.ofSeconds(30);
    public static final Duration MAX_WAIT = Duration.ofMinutes(5);
    private static final String PREFIX = "proc_";
    private static final Pattern ID = Pattern.compile("proc_[0-9a-f]{12}");
    private static final int MAX_INPUT_CHARS = 1024 * 1024;
    private static final Map<String, Integer> SIGNALS = Map.of("HUP", 1, "INT", 2, "QUIT", 3, "KILL", 9, "USR1", 10, "USR2", 12,
            "TERM", 15, "CONT", 18, "STOP", 19, "WINCH", 28);

    private final SandboxService sandboxes;
    private final SecretService secrets;
    private final SandboxRuntime runtime;

    public ProcessService(SandboxService sandboxes, SecretService secrets, SandboxRuntime runtime) {
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
    }

    /** A process of a sandbox the caller may use, and the sandbox's processes to act on it with. */
    public record Target(SandboxRecord sandbox, SandboxProcesses processes, String agentId) {
    }

    public ProcessRequests.View start(Caller caller, String id, ProcessRequests.Start request) {
        if (request == null) {
            throw DomainException.validation("command", "required");
        }
        caller.requireOwnOrg(request.orgId());
        List<String> argv = CommandService.argv(request.command());
        Map<String, String> requested = sandboxes.env("env", request.env());
        String workingDir = CommandService.workingDir("working_dir", request.workingDir());
        boolean pty = Boolean.TRUE.equals(request.pty());
        if (!pty && (request.cols() != null || request.rows() != null)) {
            throw DomainException.validation(request.cols() != null ? "cols" : "rows", "a terminal's size: send pty true with it");
        }
        int cols = pty ? side("cols", request.cols(), DEFAULT_COLS) : 0;
        int rows = pty ? side("rows", request.rows(), DEFAULT_ROWS) : 0;
        int buffer = request.bufferBytes() == null ? DEFAULT_BUFFER_BYTES : request.bufferBytes();
        if (buffer < ProcessSpec.MIN_BUFFER || buffer > ProcessSpec.MAX_BUFFER) {
            throw DomainException.validation("buffer_bytes", "must be " + ProcessSpec.MIN_BUFFER + " to " + ProcessSpec.MAX_BUFFER);
        }
        SandboxRecord sandbox = sandboxes.requireRunning(caller, id);
        Map<String, String> env = sandboxes.envOf(sandbox);
        env.putAll(secrets.environment(sandbox));
        env.putAll(requested);
        ProcessSpec spec = new ProcessSpec(argv, env, workingDir, pty, rows, cols, buffer);
        return onSandbox(sandbox, processes -> view(sandbox, processes.start(spec)));
    }

    public ProcessRequests.ListView list(Caller caller, String id) {
        SandboxRecord sandbox = sandboxes.requireRunning(caller, id);
        return onSandbox(sandbox, processes -> new ProcessRequests.ListView(processes.list().stream().map(p -> view(sandbox, p)).toList()));
    }

    public ProcessRequests.View get(Caller caller, String id, String processId) {
        Target target = target(caller, id, processId);
        return on(target, processes -> view(target.sandbox(), processes.get(target.agentId())));
    }

    public void input(Caller caller, String id, String processId, ProcessRequests.Input request) {
        if (request == null || request.data() == null && !Boolean.TRUE.equals(request.eof())) {
            throw DomainException.validation("data", "required (or eof: true)");
        }
        if (request.data() != null && request.data().length() > MAX_INPUT_CHARS) {
            throw DomainException.tooLarge("data", "at most " + MAX_INPUT_CHARS + " characters per request");
        }
        Target target = target(caller, id, processId);
        on(target, processes -> {
            if (request.data() != null && !request.data().isEmpty()) {
                processes.write(target.agentId(), request.data().getBytes(StandardCharsets.UTF_8));
            }
            if (Boolean.TRUE.equals(request.eof())) {
                processes.closeInput(target.agentId());
            }
            return null;
        });
    }

    public void signal(Caller caller, String id, String processId, ProcessRequests.Signal request) {
        int signal = signalNumber(request == null ? null : request.signal());
        Target target = target(caller, id, processId);
        on(target, processes -> {
            processes.signal(target.agentId(), signal);
            return null;
        });
    }

    public void resize(Caller caller, String id, String processId, ProcessRequests.Resize request) {
        if (request == null) {
            throw DomainException.validation("cols", "required");
        }
        int cols = side("cols", requirePresent("cols", request.cols()), DEFAULT_COLS);
        int rows = side("rows", requirePresent("rows", request.rows()), DEFAULT_ROWS);
        Target target = target(caller, id, processId);
        on(target, processes -> {
            processes.resize(target.agentId(), rows, cols);
            return null;
        });
    }

    /** Waits up to {@code timeoutSeconds} (30 unless said) for the process to exit, then describes it. */
    public ProcessRequests.View await(Caller caller, String id, String processId, Integer timeoutSeconds) {
        Duration timeout = timeoutSeconds == null ? DEFAULT_WAIT : Duration.ofSeconds(timeoutSeconds);
        if (timeout.isNegative() || timeout.compareTo(MAX_WAIT) > 0) {
            throw DomainException.validation("timeout", "must be 0 to " + MAX_WAIT.toSeconds() + " seconds");
        }
        Target target = target(caller, id, processId);
        return on(target, processes -> {
            processes.await(target.agentId(), timeout);
            return view(target.sandbox(), processes.get(target.agentId()));
        });
    }

    public void remove(Caller caller, String id, String processId) {
        Target target = target(caller, id, processId);
        on(target, processes -> {
            processes.remove(target.agentId());
            return null;
        });
    }

    /** The sandbox and process a caller names, checked: an id of no process's form is a 404 at once. */
    public Target target(Caller caller, String id, String processId) {
        if (processId == null || !ID.matcher(processId).matches()) {
            throw DomainException.notFound(ErrorCodes.PROCESS_NOT_FOUND, "no background process " + processId);
        }
        SandboxRecord sandbox = sandboxes.requireRunning(caller, id);
        return new Target(sandbox, onSandbox(sandbox, processes -> processes), processId.substring(PREFIX.length()));
    }

    /** Describes a process as its sandbox's agent says, checked for form. */
    public ProcessRequests.View describe(Target target) {
        return on(target, processes -> view(target.sandbox(), processes.get(target.agentId())));
    }

    /** Acts on the target's processes (reached once, when it was named), a sandbox found gone recorded as such. */
    public <T> T on(Target target, Function<SandboxProcesses, T> action) {
        try {
            return action.apply(target.processes());
        } catch (SandboxMissingException e) {
            throw sandboxes.vanished(target.sandbox(), e);
        } catch (AgentChannelException e) {
            throw sandboxes.channelEnded(target.sandbox(), e);
        }
    }

    /** Acts on the sandbox's processes, a sandbox found gone recorded as such. */
    private <T> T onSandbox(SandboxRecord sandbox, Function<SandboxProcesses, T> action) {
        try {
            return action.apply(processes(sandbox));
        } catch (SandboxMissingException e) {
            throw sandboxes.vanished(sandbox, e);
        } catch (AgentChannelException e) {
            throw sandboxes.channelEnded(sandbox, e);
        }
    }

    private SandboxProcesses processes(SandboxRecord sandbox) {
        return runtime.processes(sandbox.id());
    }

    private static ProcessRequests.View view(SandboxRecord sandbox, ProcessInfo p) {
        return new ProcessRequests.View(PREFIX + p.id(), sandbox.id(), p.pid(), p.argv(), p.terminal(), p.running() ? "running" : "exited",
                p.running() ? null : p.exit().code(), p.running() || p.exit().signal() == 0 ? null : p.exit().signal(),
                p.startedAt().toString(), p.outputStart(), p.outputEnd());
    }

    private static int side(String field, Integer asked, int otherwise) {
        int value = asked == null ? otherwise : asked;
        if (value < 1 || value > TerminalSpec.MAX_SIDE) {
            throw DomainException.validation(field, "must be 1 to " + TerminalSpec.MAX_SIDE);
        }
        return value;
    }

    private static Integer requirePresent(String field, Integer value) {
        if (value == null) {
            throw DomainException.validation(field, "required");
        }
        return value;
    }

    static int signalNumber(JsonNode signal) {
        if (signal == null || signal.isNull()) {
            throw DomainException.validation("signal", "required: a name (TERM, SIGINT, ...) or a number from 1 to 64");
        }
        if (signal.isNumber() && signal.canConvertToExactIntegral()) {
            double n = signal.doubleValue();
            if (n < 1 || n > 64) {
                throw DomainException.validation("signal", "a number must be 1 to 64");
            }
            return (int) n;
        }
        String name = signal.isTextual() ? signal.textValue().toUpperCase(Locale.ROOT) : "";
        Integer n = SIGNALS.get(name.startsWith("SIG") ? name.substring(3) : name);
        if (n == null) {
            throw DomainException.validation("signal", "unknown signal " + signal + "; one of " + SIGNALS.keySet().stream().sorted().toList()
                    + ", or a number from 1 to 64");
        }
        return n;
    }
}
