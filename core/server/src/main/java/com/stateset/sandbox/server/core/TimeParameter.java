package com.stateset.sandbox.server.core;

import com.stateset.sandbox.server.errors.DomainException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;

/** A time given in a query parameter: an RFC 3339 date-time, with any offset, T and Z in either case. */
final class TimeParameter {

    private static final DateTimeFormatter RFC_3339 = new DateTimeFormatterBuilder()
            .parseCaseInsensitive()
            .append(DateTimeFormatter.ISO_OFFSET_DATE_TIME)
            .toFormatter();

    private TimeParameter() {
    }

    /** The instant, or a 400 naming {@code field} with {@code expected} as its message. */
    static Instant parse(String field, String value, String expected) {
        try {
            return OffsetDateTime.parse(value, RFC_3339).toInstant();
        } catch (DateTimeParseException e) {
            throw DomainException.validation(field, expected);
        }
    }
}
