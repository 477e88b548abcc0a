package com.stateset.sandbox.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/** REPL sessions: persistent interpreters in a sandbox, and what a cell of code gave. */
public final class ReplView {

    private ReplView() {
    }

    /** {@code POST .../repl/sessions}: {@code language} is {@code python} (the default) or {@code node}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Create(String language, String orgId) {
    }

    /** {@code timeout_ms} (or {@code timeout}, also ms) bounds the cell; the default is 30 s. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Execute(String code, Long timeoutMs, Long timeout, String orgId) {
    }

    /** {@code status}: {@code idle} while it waits for code, {@code ended} once destroyed or dead. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Session(String id, String sessionId, String sandboxId, String language, String status,
            int executionCount, String createdAt, String lastUsedAt) {
    }

    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Sessions(List<Session> sessions) {
    }

    /**
     * A cell's outcome. {@code status} is {@code ok}, {@code error} or {@code timeout};
     * {@code output} is its standard output, {@code error} its standard error and traceback as
     * text (each at most 1 MiB, with {@code *_truncated}); {@code result} the value of a trailing
     * expression as a MIME bundle; {@code outputs} that value and the exception as Jupyter-style
     * items ({@code execute_result}, {@code error}), where clients look when there is no output.
     * The duration comes under both names clients read.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.ALWAYS)
    public record Result(String sessionId, String status, String output, String error, boolean stdoutTruncated,
            boolean stderrTruncated, Map<String, Object> result, JsonNode exception, List<Map<String, Object>> outputs,
            int executionCount, long durationMs, long executionTimeMs) {
    }
}
