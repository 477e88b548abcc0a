package com.stateset.sandbox.server.core;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.AuditEventView;
import com.stateset.sandbox.api.AuditSummaryView;
import com.stateset.sandbox.api.ErrorCodes;
import com.stateset.sandbox.api.Times;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.db.AuditDao;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.model.AuditRecord;
import com.stateset.sandbox.server.model.AuditTotals;
import java.util.List;
import org.jdbi.v3.core.Jdbi;

/**
 * The audit log of each organization: append-only. Events are written by
 * {@link com.stateset.sandbox.server.http.AuditFilter} and read through {@code GET /audit} and
 * {@code GET /sandbox/{id}/audit/summary}; nothing in the server updates or deletes them, so they
 * are kept until an operator removes rows from the database. Each organization sees only its own.
 */
public final class AuditLog {

    private final Jdbi jdbi;
    private final ObjectMapper mapper;

    public AuditLog(Jdbi jdbi, ObjectMapper mapper) {
        this.jdbi = requireNonNull(jdbi, "jdbi is null");
        this.mapper = requireNonNull(mapper, "mapper is null");
    }

    /**
     * Stores the event with the session of the sandbox it names, when that sandbox is the
     * organization's (another organization's session never shows in this one's log).
     */
    public void append(AuditRecord event) {
        // One statement on a plain handle: every mutating request writes here.
        jdbi.useHandle(handle -> handle.createUpdate(AuditDao.INSERT).bindMethods(event).execute());
    }

    /** The caller's organization's events matching the query, newest first, and how many match in all. */
    public AuditEventView.Listing search(Caller caller, AuditQuery query) {
        AuditDao dao = jdbi.onDemand(AuditDao.class);
        List<AuditEventView> page = dao.search(caller.orgId(), query.sandboxId(), query.action(), query.outcome(),
                query.start(), query.end(), query.limit(), query.offset()).stream().map(this::view).toList();
        long total = dao.count(caller.orgId(), query.sandboxId(), query.action(), query.outcome(), query.start(), query.end());
        return new AuditEventView.Listing(page, total);
    }

    /**
     * Totals of one of the caller's sandboxes. A deleted sandbox still has its history; an unknown
     * one, or another organization's, is 404.
     */
    public AuditSummaryView summary(Caller caller, String sandboxId) {
        AuditDao dao = jdbi.onDemand(AuditDao.class);
        if (dao.sessionOf(caller.orgId(), sandboxId).isEmpty()) {
            throw DomainException.notFound(ErrorCodes.SANDBOX_NOT_FOUND, "sandbox " + sandboxId + " not found");
        }
        AuditTotals totals = dao.totals(caller.orgId(), sandboxId);
        return new AuditSummaryView(sandboxId, totals.totalEvents(), totals.commandsExecuted(), totals.filesWritten(),
                totals.filesRead(), totals.secretsAccessed(), totals.errors(), totals.durationMs(),
                Times.iso(totals.firstAt()), Times.iso(totals.lastAt()));
    }

    private AuditEventView view(AuditRecord event) {
        return new AuditEventView(event.id(), Times.iso(event.occurredAt()), event.sandboxId(), event.orgId(),
                nullToEmpty(event.userId()), event.sessionId(), event.action(), event.resource(), details(event.details()),
                event.outcome(), event.errorMessage(), event.durationMs(), event.actor(), nullToEmpty(event.apiKeyId()),
                event.status(), event.requestId(), nullToEmpty(event.clientIp()));
    }

    private JsonNode details(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            // Written by this server as JSON; an unreadable value is shown as no details rather than failing the listing.
            return mapper.createObjectNode();
        }
    }

    private static String nullToEmpty(String value) {
        return value == null ? "" : value;
    }
}
