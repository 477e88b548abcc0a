package com.stateset.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** An interactive terminal in a sandbox, over a WebSocket opened with a single-use ticket. */
public final class TerminalRequests {

    private TerminalRequests() {
    }

    /**
     * {@code POST /sandbox/{id}/terminal}: what the terminal runs (a shell string or an argv list;
     * none: the sandbox user's login shell), where, and its size (80 by 24 unless said).
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Open(JsonNode command, String workingDir, Integer cols, Integer rows, String orgId) {
    }

    /**
     * The ticket to open the terminal's WebSocket with ({@code url}, a path of this server, with
     * the ticket in its query): once, within {@code expires_in_seconds}.
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Ticket(String ticket, String url, String expiresAt, long expiresInSeconds) {
    }
}
