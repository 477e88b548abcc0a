package com.stateset.sandbox.server.core;

import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.model.AuditRecord;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The filters and page of {@code GET /audit}, checked: a malformed one is a 400 naming its query
 * parameter. Absent or empty parameters do not filter.
 *
 * @param start inclusive, epoch ms, or null
 * @param end exclusive, epoch ms, or null
 */
public record AuditQuery(String sandboxId, String action, String outcome, Long start, Long end, int limit, int offset) {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;
    private static final Pattern ACTION = Pattern.compile("[a-z][a-z_]*\\.[a-z][a-z_]*");
    private static final int MAX_ID_LENGTH = 64;

    public static AuditQuery parse(String sandboxId, String action, String outcome, String startTime, String endTime,
            String limit, String offset) {
        String sandbox = blankToNull(sandboxId);
        if (sandbox != null && sandbox.length() > MAX_ID_LENGTH) {
            throw DomainException.validation("sandbox_id", "longer than " + MAX_ID_LENGTH + " characters");
        }
        String name = action;
        if (name != null && (name.length() > MAX_ID_LENGTH || !ACTION.matcher(name).matches())) {
            throw DomainException.validation("action", "expected an action name such as sandbox.create");
        }
        String result = outcome;
        if (result != null && !result.equals(AuditRecord.SUCCESS) && !result.equals(AuditRecord.FAILURE)) {
            throw DomainException.validation("outcome", "unknown outcome '" + result + "'",
                    List.of(AuditRecord.SUCCESS, AuditRecord.FAILURE));
        }
        Long start = time("start_time", startTime);
        Long end = time("end_time", endTime);
        if (start != null && end != null && end < start) {
            throw DomainException.validation("end_time", "is before start_time");
        }
        int pageSize = integer("limit", limit, DEFAULT_LIMIT);
        if (pageSize < 1 || pageSize > MAX_LIMIT) {
            throw DomainException.validation("limit", "must be between 1 and " + MAX_LIMIT);
        }
        int skip = integer("offset", offset, 0);
        if (skip < 0) {
            throw DomainException.validation("offset", "must not be negative");
        }
        return new AuditQuery(sandbox, name, result, start, end, pageSize, skip);
    }

    /** Absent is no bound; present, even empty, must be a time. */
    private static Long time(String field, String value) {
        if (value == null) {
            return null;
        }
        try {
            return TimeParameter.parse(field, value, "expected an ISO-8601 time such as 2026-01-15T12:00:00Z").toEpochMilli();
        } catch (ArithmeticException e) {
            throw DomainException.validation(field, "too far from 1970");
        }
    }

    /** Absent is the fallback; present, even empty, must be an integer. */
    private static int integer(String field, String value, int fallback) {
        if (value == null) {
            return fallback;
        }
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw DomainException.validation(field, "must be an integer");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
