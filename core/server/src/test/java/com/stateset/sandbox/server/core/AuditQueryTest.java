package com.stateset.sandbox.server.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AuditQueryTest {

    @Test
    void absentParametersFilterNothingAndPageByDefault() {
        assertThat(AuditQuery.parse("", null, null, null, null, null, null))
                .isEqualTo(new AuditQuery(null, null, null, null, null, 100, 0));
    }

    @Test
    void timesAreIsoInstantsWithOrWithoutOffset() {
        AuditQuery query = AuditQuery.parse("sbx_1", "file.read", "failure", "2026-01-15T12:00:00Z",
                "2026-01-15T14:00:00.5+01:00", "1000", "5");
        assertThat(query.start()).isEqualTo(Instant.parse("2026-01-15T12:00:00Z").toEpochMilli());
        assertThat(query.end()).isEqualTo(Instant.parse("2026-01-15T13:00:00.5Z").toEpochMilli());
        assertThat(query.limit()).isEqualTo(1000);
        assertThat(query.offset()).isEqualTo(5);
        assertThat(AuditQuery.parse(null, null, null, "2026-01-15t12:00:00z", null, null, null).start())
                .as("RFC 3339 lets T and Z be lowercase").isEqualTo(Instant.parse("2026-01-15T12:00:00Z").toEpochMilli());
    }

    @Test
    void malformedParametersNameTheirField() {
        assertField(() -> AuditQuery.parse(null, null, null, null, null, "0", null), "limit");
        assertField(() -> AuditQuery.parse(null, null, null, null, null, "", null), "limit");
        assertField(() -> AuditQuery.parse(null, null, null, null, null, null, ""), "offset");
        assertField(() -> AuditQuery.parse(null, null, null, "", null, null, null), "start_time");
        assertField(() -> AuditQuery.parse(null, null, null, null, null, "99999999999", null), "limit");
        assertField(() -> AuditQuery.parse(null, null, null, null, null, null, "-1"), "offset");
        assertField(() -> AuditQuery.parse(null, null, "ok", null, null, null, null), "outcome");
        assertField(() -> AuditQuery.parse(null, "sandbox", null, null, null, null, null), "action");
        assertField(() -> AuditQuery.parse(null, "", null, null, null, null, null), "action");
        assertField(() -> AuditQuery.parse(null, null, "", null, null, null, null), "outcome");
        assertField(() -> AuditQuery.parse(null, null, null, "2026-01-15", null, null, null), "start_time");
        assertField(() -> AuditQuery.parse(null, null, null, "+999999999-01-01T00:00:00Z", null, null, null), "start_time");
        assertField(() -> AuditQuery.parse(null, null, null, "2026-01-02T00:00:00Z", "2026-01-01T00:00:00Z", null, null),
                "end_time");
    }

    private static void assertField(Runnable parse, String field) {
        assertThatThrownBy(parse::run).isInstanceOfSatisfying(DomainException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.INVALID);
            assertThat(e.details()).containsEntry("field", field);
        });
    }
}
