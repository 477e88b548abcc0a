package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.ReplView;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.config.LimitsConfig;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.model.Ids;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.server.model.SandboxStatus;
import com.stateset.sandbox.spi.runtime.ExecResult;
import com.stateset.sandbox.spi.runtime.ExecSpec;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.jdbi.v3.core.Jdbi;

/**
 * REPL sessions: a persistent Python or Node.js interpreter (a "kernel", a small program of ours
 * from this server's resources) started inside the sandbox as its user, listening on a Unix socket
 * in {@code /tmp}; each cell is sent to it by a short command run in the sandbox, so the state of
 * the interpreter carries from one cell to the next. The kernel enforces a cell's timeout itself
 * (and stays usable); one that does not answer within the timeout and a grace period is killed.
 * The kernel runs beside the sandbox's own code, which can kill or replace it: whatever it answers
 * is read as untrusted, bounded, and a kernel that is gone or answers nonsense ends its session.
 */
public final class ReplService {

    static final String DIRECTORY = "/tmp/.stateset-repl";
    private static final int MAX_SESSIONS_PER_SANDBOX = 8;
    /** An environment variable holds the cell; Linux caps one at 128 KiB, base64 and JSON included. */
    static final int MAX_CODE_BYTES = 90 * 1024;
    private static final long DEFAULT_TIMEOUT_MS = 30_000;
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration GRACE = Duration.ofSeconds(15);
    private static final Duration SIGNAL_TIMEOUT = Duration.ofSeconds(15);
    /** Exit code of the kernel's sender when the kernel is not there (or died mid-cell). */
    private static final int DEAD = 3;
    private static final int NOT_FOUND = 127;
    /** A cell's output per stream: for people and agents to read, so far less than a command's. */
    private static final long MAX_CELL_OUTPUT = 1 << 20;

    /** A language: its interpreter and the kernel program it runs. */
    private enum Language {
        PYTHON("python", "python3", "python_kernel.py"),
        NODE("node", "node", "node_kernel.js");

        final String name;
        final String interpreter;
        final String kernel;

        Language(String name, String interpreter, String kernel) {
            this.name = name;
            this.interpreter = interpreter;
            this.kernel = kernel;
        }

        String kernelPath() {
            return DIRECTORY + "/" + kernel;
        }

        byte[] program() {
            try (InputStream in = ReplService.class.getResourceAsStream("/com/stateset/sandbox/server/repl/" + kernel)) {
                return requireNonNull(in, kernel + " is missing from the server").readAllBytes();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        static Language of(String name) {
            String wanted = name == null ? "python" : name.toLowerCase(java.util.Locale.ROOT);
            return switch (wanted) {
                case "python", "python3" -> PYTHON;
                case "node", "nodejs", "javascript", "js" -> NODE;
                default -> throw DomainException.validation("language", "unknown language '" + name + "'", List.of("python", "node"));
            };
        }
    }

    private record Session(String id, String orgId, String sandboxId, Language language, int pid, String status,
            int executionCount, long createdAt, Long lastUsedAt) {

        String socket() {
            return DIRECTORY + "/" + id + ".sock";
        }
    }

    private final Jdbi jdbi;
    private final SandboxRuntime runtime;
    private final SandboxService sandboxes;
    private final SecretService secrets;
    private final LimitsConfig limits;
    private final ObjectMapper mapper;
    private final Clock clock;

    public ReplService(Jdbi jdbi, SandboxRuntime runtime, SandboxService sandboxes, SecretService secrets, LimitsConfig limits,
            ObjectMapper mapper, Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.limits = requireNonNull(limits, "limits is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    public ReplView.Session create(Caller caller, String sandboxId, ReplView.Create request) {
        caller.requireOwnOrg(request == null ? null : request.orgId());
        Language language = Language.of(request == null ? null : request.language());
        SandboxRecord sandbox = sandboxes.requireRunning(caller, sandboxId);
        int active = jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT COUNT(*) FROM repl_sessions WHERE sandbox_id = :sandbox AND status = 'idle'")
                .bind("sandbox", sandboxId).mapTo(Integer.class).one());
        if (active >= MAX_SESSIONS_PER_SANDBOX) {
            throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.CONFLICT,
                    "a sandbox may hold " + MAX_SESSIONS_PER_SANDBOX + " REPL sessions at once; destroy one first");
        }
        String id = Ids.newId("repl");
        String socket = DIRECTORY + "/" + id + ".sock";
        writeKernel(sandbox, language);
        Map<String, String> env = sandboxes.envOf(sandbox);
        env.putAll(secrets.environment(sandbox));
        Answer started = run(sandbox, List.of(language.interpreter, language.kernelPath(), "serve", socket,
                Long.toString(cellOutput())), env, START_TIMEOUT);
        if (started.exitCode() == NOT_FOUND) {
            throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.REPL_UNAVAILABLE,
                    "this sandbox's image has no " + language.interpreter
                    + "; create the sandbox from a template that has it", Map.of("field", "language"));
        }
        JsonNode answer = json(started.stdout());
        if (started.exitCode() != 0 || answer == null || !answer.path("pid").canConvertToInt() || answer.path("pid").asInt() < 2) {
            String why = answer != null && answer.path("error").isTextual() ? answer.get("error").asText() : started.stderr();
            throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.REPL_UNAVAILABLE,
                    "the " + language.name + " interpreter did not start in the sandbox: " + clip(why));
        }
        Session session = new Session(id, caller.orgId(), sandboxId, language, answer.get("pid").asInt(), "idle", 0,
                clock.millis(), null);
        try {
            jdbi.useHandle(handle -> handle.createUpdate("INSERT INTO repl_sessions (id, org_id, sandbox_id, language, pid,"
                            + " status, execution_count, created_at) VALUES (:id, :orgId, :sandboxId, :language, :pid, 'idle', 0,"
                            + " :createdAt)")
                    .bind("id", id).bind("orgId", session.orgId()).bind("sandboxId", sandboxId).bind("language", language.name)
                    .bind("pid", session.pid()).bind("createdAt", session.createdAt())
                    .execute());
        } catch (RuntimeException e) {
            signal(sandbox, session, "TERM"); // no session row: no kernel left behind either
            throw e;
        }
        return view(session, true);
    }

    public ReplView.Sessions list(Caller caller, String sandboxId) {
        boolean running = sandboxes.find(caller, sandboxId).sandboxStatus() == SandboxStatus.RUNNING;
        return new ReplView.Sessions(jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT * FROM repl_sessions WHERE sandbox_id = :sandbox AND org_id = :org ORDER BY created_at, id")
                .bind("sandbox", sandboxId).bind("org", caller.orgId())
                .map((rs, ctx) -> session(rs))
                .list()).stream().map(s -> view(s, running)).toList());
    }

    public ReplView.Session get(Caller caller, String sandboxId, String sessionId) {
        return view(find(caller, sandboxId, sessionId),
                sandboxes.find(caller, sandboxId).sandboxStatus() == SandboxStatus.RUNNING);
    }

    public ReplView.Result execute(Caller caller, String sandboxId, String sessionId, ReplView.Execute request) {
        if (request == null || request.code() == null) {
            throw DomainException.validation("code", "required");
        }
        caller.requireOwnOrg(request.orgId());
        if (request.code().getBytes(StandardCharsets.UTF_8).length > MAX_CODE_BYTES) {
            throw DomainException.tooLarge("code", "at most " + MAX_CODE_BYTES + " bytes in one cell; write larger programs to"
                    + " a file and run that");
        }
        if (request.code().indexOf('\0') >= 0) {
            throw DomainException.validation("code", "must not contain NUL");
        }
        long timeoutMs = request.timeoutMs() != null ? request.timeoutMs() : request.timeout() != null ? request.timeout()
                : DEFAULT_TIMEOUT_MS;
        if (timeoutMs < 1 || timeoutMs > limits.maxExecTimeoutMs()) {
            throw DomainException.validation(request.timeoutMs() != null ? "timeout_ms" : "timeout", "must be between 1 and "
                    + limits.maxExecTimeoutMs() + " ms");
        }
        Session session = requireIdle(caller, sandboxId, sessionId);
        SandboxRecord sandbox = sandboxes.requireRunning(caller, sandboxId);
        Map<String, Object> cell = Map.of("code", request.code(), "timeout_ms", timeoutMs);
        String encoded = Base64.getEncoder().encodeToString(json(cell).getBytes(StandardCharsets.UTF_8));
        Answer sent = run(sandbox, List.of(session.language().interpreter, session.language().kernelPath(), "send",
                session.socket()), Map.of("STATESET_REPL_REQUEST", encoded), Duration.ofMillis(timeoutMs).plus(GRACE));
        if (sent.timedOut()) {
            signal(sandbox, session, "KILL");
            throw end(session, "the interpreter did not answer within its timeout and " + GRACE.toSeconds()
                    + " s more, and was stopped; create a new session");
        }
        JsonNode answer = json(sent.stdout());
        if (sent.exitCode() != 0 || answer == null || !answer.path("status").isTextual()
                || answer.path("status").asText().equals("dead")) {
            throw end(session, "the interpreter is gone (it exited, was killed, or its program was removed); create a new session");
        }
        int count = answer.path("execution_count").asInt(session.executionCount() + 1);
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE repl_sessions SET execution_count = :count, last_used_at = :now"
                        + " WHERE id = :id")
                .bind("count", count).bind("now", clock.millis()).bind("id", session.id()).execute());
        return result(session, answer, count);
    }

    /** Interrupts the cell running in the session (SIGINT); harmless when none runs. */
    public Map<String, Object> interrupt(Caller caller, String sandboxId, String sessionId) {
        Session session = requireIdle(caller, sandboxId, sessionId);
        SandboxRecord sandbox = sandboxes.requireRunning(caller, sandboxId);
        if (!signal(sandbox, session, "INT")) {
            throw end(session, "the interpreter is gone; create a new session");
        }
        return Map.of("success", true, "status", "idle", "session_id", session.id());
    }

    /** Stops the session's interpreter; a session that already ended is destroyed quietly. */
    public void destroy(Caller caller, String sandboxId, String sessionId) {
        Session session = find(caller, sandboxId, sessionId);
        if (session.status().equals("idle")) {
            SandboxRecord sandbox = sandboxes.find(caller, sandboxId);
            if (sandbox.sandboxStatus() == SandboxStatus.RUNNING) {
                signal(sandbox, session, "TERM");
            }
            markEnded(session);
        }
    }

    private Session find(Caller caller, String sandboxId, String sessionId) {
        sandboxes.find(caller, sandboxId);
        return jdbi.withHandle(handle -> handle.createQuery(
                        "SELECT * FROM repl_sessions WHERE id = :id AND sandbox_id = :sandbox AND org_id = :org")
                .bind("id", sessionId).bind("sandbox", sandboxId).bind("org", caller.orgId())
                .map((rs, ctx) -> session(rs))
                .findOne())
                .orElseThrow(() -> DomainException.notFound(ErrorCodes.REPL_SESSION_NOT_FOUND, "REPL session " + sessionId + " not found"));
    }

    private Session requireIdle(Caller caller, String sandboxId, String sessionId) {
        Session session = find(caller, sandboxId, sessionId);
        if (!session.status().equals("idle")) {
            throw new DomainException(ErrorKind.CONFLICT, ErrorCodes.REPL_SESSION_ENDED,
                    "REPL session " + sessionId + " has ended; create a new one");
        }
        return session;
    }

    private DomainException end(Session session, String why) {
        markEnded(session);
        return new DomainException(ErrorKind.CONFLICT, ErrorCodes.REPL_SESSION_ENDED,
                "REPL session " + session.id() + " ended: " + why);
    }

    private void markEnded(Session session) {
        jdbi.useHandle(handle -> handle.createUpdate("UPDATE repl_sessions SET status = 'ended' WHERE id = :id")
                .bind("id", session.id()).execute());
    }

    /**
     * Sends a signal to the session's kernel, if the process of that pid still is that kernel
     * (its command line names the session's socket): a pid may have been reused.
     */
    private boolean signal(SandboxRecord sandbox, Session session, String signal) {
        Answer sent = run(sandbox, List.of("/bin/sh", "-c", """
                case "$(tr '\\0' ' ' < "/proc/$1/cmdline" 2>/dev/null)" in
                  *"$2"*) kill -"$3" "$1" ;;
                  *) exit 3 ;;
                esac
                """, "signal", Integer.toString(session.pid()), session.socket(), signal), Map.of(), SIGNAL_TIMEOUT);
        return sent.exitCode() == 0;
    }

    private void writeKernel(SandboxRecord sandbox, Language language) {
        byte[] program = language.program();
        ByteArrayOutputStream tar = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(tar)) {
            TarArchiveEntry directory = new TarArchiveEntry(DIRECTORY.substring(1) + "/");
            directory.setMode(040700);
            out.putArchiveEntry(directory);
            out.closeArchiveEntry();
            TarArchiveEntry file = new TarArchiveEntry(language.kernelPath().substring(1));
            file.setMode(0100600);
            file.setSize(program.length);
            out.putArchiveEntry(file);
            out.write(program);
            out.closeArchiveEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            runtime.writeArchive(sandbox.id(), new ByteArrayInputStream(tar.toByteArray()));
        } catch (SandboxMissingException e) {
            throw sandboxes.vanished(sandbox, e);
        }
    }

    private record Answer(int exitCode, boolean timedOut, String stdout, String stderr) {
    }

    private Answer run(SandboxRecord sandbox, List<String> argv, Map<String, String> env, Duration timeout) {
        // A cell's answer holds its two capped streams and its value (capped too) as JSON strings, in
        // which a control character takes six bytes: room for all of that, and no more.
        CapturedOutput output = new CapturedOutput(18 * cellOutput() + (1 << 20), 4096);
        ExecResult result;
        try {
            result = runtime.exec(sandbox.id(), new ExecSpec(argv, env, "/workspace", timeout), output);
        } catch (SandboxMissingException e) {
            throw sandboxes.vanished(sandbox, e);
        }
        return new Answer(result.exitCode(), result.timedOut(), output.stdout.text(), output.stderr.text());
    }

    /** The last line of a kernel's output as a JSON object, or null. */
    private JsonNode json(String output) {
        String line = output.strip();
        int last = line.lastIndexOf('\n');
        try {
            JsonNode node = mapper.readTree(last < 0 ? line : line.substring(last + 1));
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    private String json(Object value) {
        try {
            return mapper.writeValueAsString(value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private ReplView.Result result(Session session, JsonNode answer, int count) {
        String stdout = text(answer, "stdout");
        String stderr = text(answer, "stderr");
        JsonNode exception = answer.path("error").isObject() ? answer.get("error") : null;
        Map<String, Object> bundle = null;
        if (answer.path("result").isObject()) {
            bundle = new LinkedHashMap<>();
            for (var field : answer.get("result").properties()) {
                bundle.put(field.getKey(), field.getValue());
            }
        }
        String traceback = exception == null ? "" : exception.path("traceback").asText("");
        List<Map<String, Object>> outputs = new ArrayList<>();
        if (bundle != null) {
            outputs.add(Map.of("type", "execute_result", "execution_count", count, "data", bundle));
        }
        if (exception != null) {
            outputs.add(Map.of("type", "error", "ename", exception.path("ename").asText(""),
                    "evalue", exception.path("evalue").asText(""), "traceback", traceback));
        }
        long duration = answer.path("duration_ms").asLong(0);
        return new ReplView.Result(session.id(), answer.get("status").asText(), stdout, stderr + traceback,
                answer.path("stdout_truncated").asBoolean(false), answer.path("stderr_truncated").asBoolean(false), bundle,
                exception, outputs, count, duration, duration);
    }

    private long cellOutput() {
        return Math.min(limits.maxOutputBytes(), MAX_CELL_OUTPUT);
    }

    private static String text(JsonNode answer, String field) {
        return answer.path(field).isTextual() ? answer.get(field).asText() : "";
    }

    private static String clip(String text) {
        String line = text == null || text.isBlank() ? "no reason given" : text.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    private Session session(ResultSet rs) throws SQLException {
        long lastUsed = rs.getLong("last_used_at");
        Long lastUsedAt = rs.wasNull() ? null : lastUsed;
        return new Session(rs.getString("id"), rs.getString("org_id"), rs.getString("sandbox_id"),
                Language.of(rs.getString("language")), rs.getInt("pid"), rs.getString("status"), rs.getInt("execution_count"),
                rs.getLong("created_at"), lastUsedAt);
    }

    /** A session of a sandbox that no longer runs has ended with it. */
    private ReplView.Session view(Session session, boolean sandboxRunning) {
        return new ReplView.Session(session.id(), session.id(), session.sandboxId(), session.language().name,
                sandboxRunning ? session.status() : "ended",
                session.executionCount(), Times.iso(session.createdAt()), Times.iso(session.lastUsedAt()));
    }
}
