package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.api.EventTypes;
import com.stateset.sandbox.api.ExecuteRequest;
import com.stateset.sandbox.api.ExecuteResponse;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.config.LimitsConfig;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.events.Events;
import com.stateset.sandbox.server.metrics.CommandMetrics;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.ExecSpec;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Runs commands in running sandboxes, capturing or streaming their output within the caps. */
public final class CommandService {

    private static final int MAX_COMMAND_CHARS = 256 * 1024;

    private final SandboxService sandboxes;
    private final SandboxRuntime runtime;
    private final LimitsConfig limits;

    /** 128 + SIGKILL: what a command the kernel's OOM killer ended exits with. */
    private static final int KILLED = 137;

    private final Events events;

    private final SecretService secrets;

    private final CommandMetrics metrics;

    public CommandService(SandboxService sandboxes, SandboxRuntime runtime, LimitsConfig limits, Events events,
            SecretService secrets, CommandMetrics metrics) {
        this.metrics = requireNonNull(metrics, "metrics is null");
        this.events = requireNonNull(events, "events is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.limits = requireNonNull(limits, "limits is null");
    }

    /** A validated command ready to run in a running sandbox. */
    public record Prepared(SandboxRecord sandbox, ExecSpec spec) {
    }

    /** Validates the request and checks the sandbox is running, before any output is sent. */
    public Prepared prepare(Caller caller, String id, ExecuteRequest request) {
        if (request == null) {
            throw DomainException.validation("command", "required");
        }
        caller.requireOwnOrg(request.orgId());
        List<String> argv = argv(request.command());
        long timeoutMs = request.timeout() == null ? limits.defaultExecTimeoutMs() : request.timeout();
        if (timeoutMs < 1 || timeoutMs > limits.maxExecTimeoutMs()) {
            throw DomainException.validation("timeout", "must be between 1 and " + limits.maxExecTimeoutMs() + " ms");
        }
        Map<String, String> requested = sandboxes.env("env", request.env());
        if (request.workingDir() != null && request.cwd() != null && !request.workingDir().equals(request.cwd())) {
            throw DomainException.validation("cwd", "differs from working_dir; send one of them");
        }
        String workingDir = workingDir(request.workingDir() != null ? "working_dir" : "cwd",
                request.workingDir() != null ? request.workingDir() : request.cwd());
        SandboxRecord sandbox = sandboxes.requireRunning(caller, id);
        // Variables added after the sandbox started (a restored checkpoint's, injected secrets) reach every command.
        Map<String, String> env = sandboxes.envOf(sandbox);
        env.putAll(secrets.environment(sandbox));
        env.putAll(requested);
        return new Prepared(sandbox, new ExecSpec(argv, env, workingDir, Duration.ofMillis(timeoutMs)));
    }

    public ExecuteResponse run(Prepared prepared) {
        CapturedOutput output = new CapturedOutput(limits.maxOutputBytes(), limits.maxOutputBytes());
        long started = System.nanoTime();
        ExecResult result = exec(prepared, output);
        long durationMs = (System.nanoTime() - started) / 1_000_000;
        return new ExecuteResponse(result.exitCode(), output.stdout.text(), output.stderr.text(), durationMs,
                result.timedOut(), output.stdout.truncated() || output.stderr.truncated());
    }

    /**
     * Runs with the caller's own output sink (streaming); a vanished sandbox is recorded. Emits
     * {@code command.started}, then {@code command.completed} (exit 0) or {@code command.failed},
     * and {@code resource.critical} when the kernel killed the command (exit 137 without a timeout).
     * Events carry the command's id, exit code and timing, never the command or its output.
     */
    public ExecResult exec(Prepared prepared, ExecOutput output) {
        SandboxRecord sandbox = prepared.sandbox();
        String commandId = Ids.newId("cmd");
        events.record(EventTypes.COMMAND_STARTED, sandbox.orgId(), sandbox.id(), Map.of("commandId", commandId));
        long started = System.nanoTime();
        ExecResult result;
        try {
            result = runtime.exec(sandbox.id(), prepared.spec(), output);
        } catch (SandboxMissingException e) {
            metrics.errored();
            events.record(EventTypes.COMMAND_FAILED, sandbox.orgId(), sandbox.id(),
                    Map.of("commandId", commandId, "error", "the sandbox's container vanished"));
            throw sandboxes.vanished(sandbox, e);
        } catch (RuntimeException e) {
            metrics.errored();
            events.record(EventTypes.COMMAND_FAILED, sandbox.orgId(), sandbox.id(),
                    Map.of("commandId", commandId, "error", "the command could not be run"));
            throw e;
        }
        long elapsed = System.nanoTime() - started;
        metrics.ran(result, elapsed);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("commandId", commandId);
        data.put("exitCode", result.exitCode());
        data.put("timedOut", result.timedOut());
        data.put("durationMs", elapsed / 1_000_000);
        events.record(result.exitCode() == 0 ? EventTypes.COMMAND_COMPLETED : EventTypes.COMMAND_FAILED, sandbox.orgId(),
                sandbox.id(), data);
        if (result.exitCode() == KILLED && !result.timedOut()) {
            events.record(EventTypes.RESOURCE_CRITICAL, sandbox.orgId(), sandbox.id(),
                    Map.of("commandId", commandId, "reason", "the command was killed (exit 137), most likely out of memory"));
        }
        return result;
    }

    public long maxOutputBytes() {
        return limits.maxOutputBytes();
    }

    /** A command's working directory as asked: none, or an absolute path. */
    static String workingDir(String field, String workingDir) {
        if (workingDir != null && (!workingDir.startsWith("/") || workingDir.indexOf('\0') >= 0 || workingDir.length() > 4096)) {
            throw DomainException.validation(field, "must be an absolute path");
        }
        return workingDir;
    }

    /** A command as asked: a shell string (run by /bin/sh -c) or an argv list. */
    static List<String> argv(JsonNode command) {
        if (command == null || command.isNull()) {
            throw DomainException.validation("command", "required");
        }
        if (command.isTextual()) {
            String text = command.asText();
            if (text.isBlank()) {
                throw DomainException.validation("command", "must not be empty");
            }
            checkText("command", text);
            return List.of("/bin/sh", "-c", text);
        }
        if (command.isArray()) {
            if (command.isEmpty()) {
                throw DomainException.validation("command", "must not be an empty list");
            }
            List<String> argv = new ArrayList<>();
            int total = 0;
            for (int i = 0; i < command.size(); i++) {
                JsonNode arg = command.get(i);
                if (!arg.isTextual()) {
                    throw DomainException.validation("command[" + i + "]", "must be a string");
                }
                checkText("command[" + i + "]", arg.asText());
                total += arg.asText().length();
                argv.add(arg.asText());
            }
            if (argv.get(0).isEmpty()) {
                throw DomainException.validation("command[0]", "must name a program");
            }
            if (total > MAX_COMMAND_CHARS) {
                throw DomainException.validation("command", "longer than " + MAX_COMMAND_CHARS + " characters");
            }
            return argv;
        }
        throw DomainException.validation("command", "must be a string or a list of strings");
    }

    private static void checkText(String field, String text) {
        if (text.indexOf('\0') >= 0) {
            throw DomainException.validation(field, "must not contain NUL");
        }
        if (text.length() > MAX_COMMAND_CHARS) {
            throw DomainException.validation(field, "longer than " + MAX_COMMAND_CHARS + " characters");
        }
    }
}
