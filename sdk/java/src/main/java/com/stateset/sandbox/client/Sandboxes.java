package com.stateset.sandbox.client;

import static com.stateset.sandbox.client.Transport.segment;

import com.fasterxml.jackson.databind.JsonNode;
import com.stateset.sandbox.api.AuditSummaryView;
import com.stateset.sandbox.api.CreateSandboxRequest;
import com.stateset.sandbox.api.ExecuteRequest;
import com.stateset.sandbox.api.ExecuteResponse;
import com.stateset.sandbox.api.ForkRequests;
import com.stateset.sandbox.api.MetricsView;
import com.stateset.sandbox.api.SandboxView;
import com.stateset.sandbox.api.SecretView;
import com.stateset.sandbox.api.Success;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** Sandboxes: create, find, run commands in, extend, fork, promote, stop and delete. */
public final class Sandboxes {

    /** How much longer than a command's own timeout its call waits for the answer. */
    private static final Duration ANSWER_MARGIN = Duration.ofSeconds(30);
    /** The server's default command timeout (limits.defaultExecTimeoutMs). */
    private static final Duration DEFAULT_COMMAND_TIMEOUT = Duration.ofSeconds(60);

    private final Transport http;

    Sandboxes(Transport http) {
        this.http = http;
    }

    /** Creates a sandbox and answers once it accepts commands. */
    public SandboxView create(CreateSandbox sandbox) {
        return create(sandbox.request());
    }

    public SandboxView create(CreateSandboxRequest request) {
        return http.json(new Transport.Call("POST", "/sandbox/create").json(request), SandboxView.class);
    }

    /** Creates a sandbox from a template, overriding its defaults (cpus, memory, lifetime, env). */
    public SandboxView createFromTemplate(String templateId, Map<String, ?> overrides) {
        Map<String, Object> body = new java.util.LinkedHashMap<>(overrides);
        body.put("template_id", templateId);
        return http.json(new Transport.Call("POST", "/sandbox/create-from-template").json(body), SandboxView.class);
    }

    public SandboxView get(String sandboxId) {
        return http.json(new Transport.Call("GET", "/sandbox/" + segment(sandboxId)), SandboxView.class);
    }

    /** The organization's sandboxes, newest first: of a status (or null for all), a page of them. */
    public SandboxView.Listing list(String status, int limit, int offset) {
        return http.json(new Transport.Call("GET", "/sandboxes").query("status", status).query("limit", limit).query("offset", offset),
                SandboxView.Listing.class);
    }

    /** Status and lifetime, from the server's database only. */
    public SandboxView.Status status(String sandboxId) {
        return http.json(new Transport.Call("GET", "/sandbox/" + segment(sandboxId) + "/status"), SandboxView.Status.class);
    }

    /** Stops the sandbox and frees it; it stays listed, terminated. */
    public void stop(String sandboxId) {
        http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/stop"), Success.class);
    }

    /** Stops the sandbox if needed, then hides it. */
    public void delete(String sandboxId) {
        http.json(new Transport.Call("DELETE", "/sandbox/" + segment(sandboxId)), Success.class);
    }

    /** Moves its expiry later, as far as its longest lifetime allows. */
    public SandboxView extend(String sandboxId, Duration more) {
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/extend")
                .json(Map.of("additional_seconds", more.toSeconds())), SandboxView.class);
    }

    /** Copies a running sandbox into a new one (through a checkpoint, kept). */
    public ForkRequests.Forked fork(String sandboxId, ForkRequests.Fork request) {
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/fork").json(request), ForkRequests.Forked.class);
    }

    /** Moves a running sandbox to another isolation ({@code gvisor}, say): a fork that stops the source. */
    public ForkRequests.Promoted promote(String sandboxId, ForkRequests.Promote request) {
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/promote").json(request),
                ForkRequests.Promoted.class);
    }

    /** Runs a shell string and answers when it has ended. */
    public ExecuteResponse execute(String sandboxId, String script) {
        return execute(sandboxId, Command.shell(script));
    }

    /** Runs a command and answers when it has ended (waiting for its own timeout and 30 s more). */
    public ExecuteResponse execute(String sandboxId, Command command) {
        Duration wait = (command.timeout == null ? DEFAULT_COMMAND_TIMEOUT : command.timeout).plus(ANSWER_MARGIN);
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/execute")
                .json(request(command, false)).timeout(http.atLeast(wait)), ExecuteResponse.class);
    }

    /**
     * Runs a command and streams its output as it is written, then its {@code exit} (or an
     * {@code error}). Close the stream (try-with-resources) to stop reading; the command is then killed.
     */
    public Stream<ExecEvent> executeStream(String sandboxId, Command command) {
        InputStream body = http.stream(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/execute")
                .json(request(command, true)).header("Accept", "text/event-stream")).body();
        return ServerSentEvents.stream(body, event -> ExecEvent.from(read(event.data())))
                .takeWhile(event -> !event.type().equals("done"));
    }

    private static ExecuteRequest request(Command command, boolean stream) {
        return new ExecuteRequest(command.command, stream, command.timeout == null ? null : command.timeout.toMillis(),
                command.env.isEmpty() ? null : Map.copyOf(command.env), command.workingDir, null, null);
    }

    private JsonNode read(String data) {
        try {
            return http.json.readTree(data);
        } catch (java.io.IOException e) {
            throw new SandboxException("an event this client cannot read: " + e.getMessage(), e);
        }
    }

    /** Adds these secrets of the organization (none: all it may use) to the sandbox's later commands. */
    public List<String> injectSecrets(String sandboxId, List<String> names) {
        Map<String, Object> body = names.isEmpty() ? Map.of("all", true) : Map.of("secrets", names);
        return http.json(new Transport.Call("POST", "/sandbox/" + segment(sandboxId) + "/secrets/inject").json(body),
                SecretView.Injected.class).injected();
    }

    /** Resource use now, read from the runtime. */
    public MetricsView.Current metrics(String sandboxId) {
        return http.json(new Transport.Call("GET", "/sandbox/" + segment(sandboxId) + "/metrics"), MetricsView.Current.class);
    }

    /** The newest {@code limit} stored readings, oldest first. */
    public MetricsView.History metricsHistory(String sandboxId, int limit) {
        return http.json(new Transport.Call("GET", "/sandbox/" + segment(sandboxId) + "/metrics/history").query("limit", limit),
                MetricsView.History.class);
    }

    public MetricsView.SummaryAnswer metricsSummary(String sandboxId) {
        return http.json(new Transport.Call("GET", "/sandbox/" + segment(sandboxId) + "/metrics/summary"), MetricsView.SummaryAnswer.class);
    }

    /** Totals of the sandbox's audit events. */
    public AuditSummaryView auditSummary(String sandboxId) {
        return http.json(new Transport.Call("GET", "/sandbox/" + segment(sandboxId) + "/audit/summary"), AuditSummaryView.class);
    }

    /**
     * One event of a streamed command: {@code stdout} or {@code stderr} with {@code data}; {@code exit}
     * with {@code exitCode}, {@code timedOut}, {@code truncated} and {@code durationMs}; or
     * {@code error} with {@code error} and {@code errorCode}.
     */
    public record ExecEvent(String type, String data, Integer exitCode, boolean timedOut, boolean truncated, Long durationMs,
            String error, String errorCode) {

        static ExecEvent from(JsonNode event) {
            String type = event.path("type").asText();
            boolean exit = type.equals("exit");
            return new ExecEvent(type, event.path("data").asText(null), exit ? event.path("code").asInt() : null,
                    event.path("timed_out").asBoolean(), event.path("truncated").asBoolean(),
                    event.has("duration_ms") ? event.path("duration_ms").asLong() : null, event.path("error").asText(null),
                    exit ? null : event.path("code").asText(null));
        }
    }
}
