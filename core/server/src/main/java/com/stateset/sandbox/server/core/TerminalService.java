package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.TerminalRequests;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.db.TerminalTicketDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.spi.runtime.ExecOutput;
import com.stateset.sandbox.spi.runtime.SandboxMissingException;
import com.stateset.sandbox.spi.runtime.SandboxRuntime;
import com.stateset.sandbox.spi.runtime.Terminal;
import com.stateset.sandbox.spi.runtime.TerminalSpec;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.jdbi.v3.core.Jdbi;

/**
 * Interactive terminals. A browser cannot send a credential header when it opens a WebSocket, so a
 * terminal is opened in two steps: a credentialed {@code POST} checks the caller and the request
 * and answers a ticket (random, single-use, valid {@link #TICKET_LIFETIME}; only its digest is
 * stored, so the database never holds one that works), then the WebSocket presents the ticket.
 * Redeeming marks the ticket used in the database, so it opens one terminal once, whichever server
 * it reaches. The terminal gets the sandbox's environment and secrets as its commands do.
 */
public final class TerminalService {

    public static final Duration TICKET_LIFETIME = Duration.ofSeconds(30);
    private static final String PREFIX = "tkt_";
    private static final int DEFAULT_COLS = 80;
    private static final int DEFAULT_ROWS = 24;
    /** The sandbox user's login shell: bash where the image has it. */
    private static final List<String> LOGIN_SHELL = List.of("/bin/sh", "-c",
            "if command -v bash >/dev/null 2>&1; then exec bash -l; else exec sh -l; fi");
    private static final int MAX_SPEC_CHARS = 32_000;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final Jdbi jdbi;
    private final SandboxService sandboxes;
    private final SecretService secrets;
    private final SandboxRuntime runtime;
    private final ObjectMapper json;
    private final Clock clock;

    public TerminalService(Jdbi jdbi, SandboxService sandboxes, SecretService secrets, SandboxRuntime runtime, ObjectMapper json,
            Clock clock) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.sandboxes = requireNonNull(sandboxes, "sandboxes is null");
        this.secrets = requireNonNull(secrets, "secrets is null");
        this.runtime = requireNonNull(runtime, "runtime is null");
        this.json = requireNonNull(json, "json is null");
        this.clock = requireNonNull(clock, "clock is null");
    }

    /** What a ticket opens, as stored with it. */
    record Stored(List<String> argv, String workingDir, int cols, int rows) {
    }

    public TerminalRequests.Ticket issue(Caller caller, String id, TerminalRequests.Open request) {
        TerminalRequests.Open asked = request == null ? new TerminalRequests.Open(null, null, null, null, null) : request;
        caller.requireOwnOrg(asked.orgId());
        List<String> argv = asked.command() == null || asked.command().isNull() ? LOGIN_SHELL : CommandService.argv(asked.command());
        Stored stored = new Stored(argv, CommandService.workingDir("working_dir", asked.workingDir()),
                side("cols", asked.cols(), DEFAULT_COLS), side("rows", asked.rows(), DEFAULT_ROWS));
        String spec = write(stored);
        if (spec.length() > MAX_SPEC_CHARS) {
            throw DomainException.validation("command", "longer than a terminal takes (" + MAX_SPEC_CHARS + " characters in all)");
        }
        SandboxRecord sandbox = sandboxes.requireRunning(caller, id);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String ticket = PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
        long now = clock.millis();
        long expiresAt = now + TICKET_LIFETIME.toMillis();
        jdbi.useExtension(TerminalTicketDao.class, dao -> {
            dao.deleteExpired(now);
            dao.insert(digest(ticket), caller.orgId(), sandbox.id(), spec, expiresAt);
        });
        return new TerminalRequests.Ticket(ticket, "/api/v1/sandbox/" + sandbox.id() + "/terminal/connect?ticket=" + ticket,
                Times.iso(expiresAt), TICKET_LIFETIME.toSeconds());
    }

    /**
     * Redeems a ticket for the sandbox and opens the terminal it was issued for, its output to
     * {@code output}.
     *
     * @throws DomainException unauthorized for a ticket that is unknown, used, expired or another sandbox's
     */
    public Terminal open(String sandboxId, String ticket, ExecOutput output) {
        if (ticket == null || !ticket.startsWith(PREFIX) || ticket.length() > 100) {
            throw DomainException.unauthorized("ticket: missing, or not a terminal ticket (POST /api/v1/sandbox/{id}/terminal issues one)");
        }
        Optional<TerminalTicketDao.Redeemed> redeemed = jdbi.withExtension(TerminalTicketDao.class,
                dao -> dao.redeem(digest(ticket), sandboxId, clock.millis()));
        if (redeemed.isEmpty()) {
            throw DomainException.unauthorized("ticket: unknown, already used, expired, or another sandbox's (a ticket opens one"
                    + " terminal, within " + TICKET_LIFETIME.toSeconds() + " s)");
        }
        Caller owner = new Caller(redeemed.get().orgId(), null, null, "terminal-ticket", Set.of());
        SandboxRecord sandbox = sandboxes.requireRunning(owner, sandboxId);
        Stored stored = read(redeemed.get().spec());
        Map<String, String> env = sandboxes.envOf(sandbox);
        env.putAll(secrets.environment(sandbox));
        try {
            return runtime.openTerminal(sandbox.id(), new TerminalSpec(stored.argv(), env, stored.workingDir(), stored.rows(), stored.cols()),
                    output);
        } catch (SandboxMissingException e) {
            throw sandboxes.vanished(sandbox, e);
        }
    }

    private static int side(String field, Integer asked, int otherwise) {
        int value = asked == null ? otherwise : asked;
        if (value < 1 || value > TerminalSpec.MAX_SIDE) {
            throw DomainException.validation(field, "must be 1 to " + TerminalSpec.MAX_SIDE);
        }
        return value;
    }

    private String write(Stored stored) {
        try {
            return json.writeValueAsString(stored);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private Stored read(String spec) {
        try {
            return json.readValue(spec, Stored.class);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a terminal ticket's stored request is unreadable", e);
        }
    }

    private static String digest(String ticket) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(ticket.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
