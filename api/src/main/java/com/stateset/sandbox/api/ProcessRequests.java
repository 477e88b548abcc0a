package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.List;
import java.util.Map;

/** Background processes in a sandbox: started detached, kept by the sandbox's agent, attached to by offset. */
public final class ProcessRequests {

    private ProcessRequests() {
    }

    /**
     * {@code POST /sandbox/{id}/processes}: a command (a shell string or an argv list), its
     * environment and working directory, whether it runs on a terminal ({@code pty}, of
     * {@code cols} by {@code rows}, 80 by 24 unless said), and how much of its latest output the
     * sandbox keeps ({@code buffer_bytes}, 1 MiB unless said).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Start(JsonNode command, Map<String, String> env, String workingDir, Boolean pty, Integer cols, Integer rows,
            Integer bufferBytes, String orgId) {
    }

    /** {@code POST .../input}: text for its standard input (typed, on a terminal), then its end if {@code eof}. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Input(String data, Boolean eof) {
    }

    /** {@code POST .../signal}: a signal's name ({@code TERM}, {@code SIGINT}) or number (1 to 64). */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Signal(JsonNode signal) {
    }

    /** {@code POST .../resize}: its terminal's new size. */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Resize(Integer cols, Integer rows) {
    }

    /**
     * A background process. Its output is one log of standard output and error in the order
     * written, addressed by byte offset: {@code output_start} is the oldest byte the sandbox still
     * keeps, {@code output_end} the number of bytes written.
     *
     * @param status {@code running} or {@code exited}
     * @param exitCode once exited: 128 + the signal when one ended it
     * @param signal once exited: the signal that ended it, if any
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record View(String id, String sandboxId, long pid, List<String> command, boolean pty, String status, Integer exitCode,
            Integer signal, String startedAt, long outputStart, long outputEnd) {
    }

    /** {@code GET /sandbox/{id}/processes}: oldest first. */
    public record ListView(List<View> processes) {
    }
}
