package com.stateset.sandbox.server.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.stateset.sandbox.api.AuditEventView;
import com.stateset.sandbox.api.AuditSummaryView;
import com.stateset.sandbox.server.auth.Caller;
import com.stateset.sandbox.server.config.DatabaseConfig;
import com.stateset.sandbox.server.core.AuditLog;
import com.stateset.sandbox.server.core.AuditQuery;
import com.stateset.sandbox.server.errors.DomainException;
import com.stateset.sandbox.server.errors.ErrorKind;
import com.stateset.sandbox.server.model.AuditRecord;
import com.stateset.sandbox.server.model.Organization;
import com.stateset.sandbox.server.model.SandboxRecord;
import com.stateset.sandbox.server.testing.TestDatabase;
import java.util.Set;
import java.util.function.Supplier;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The audit table and its queries, on H2 and on a real PostgreSQL server. */
class AuditPersistenceIT {

    private static final Caller ORG_1 = new Caller("org_1", null, "key_1", "key_1", Set.of());
    private final TestDatabase database = new TestDatabase();

    @AfterEach
    void close() throws Exception {
        database.close();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("com.stateset.sandbox.server.testing.TestDatabases#both")
    void eventsAreAppendedWithTheirSessionFilteredPagedAndSummed(Supplier<DatabaseConfig> database) {
        Jdbi jdbi = this.database.open(database);
        jdbi.onDemand(OrganizationDao.class).insert(new Organization("org_1", "Acme", "acme", "free", 1L));
        jdbi.onDemand(OrganizationDao.class).insert(new Organization("org_2", "Other", "other", "free", 1L));
        jdbi.onDemand(SandboxDao.class).insert(new SandboxRecord("sbx_a", "org_1", "ses_a", "running", "python-basic", "img",
                "1", "512Mi", 1000, 512L << 20, false, "{}", null, null, null, null, 1L, null, 10L, null, null, 0, "container"));
        AuditLog log = new AuditLog(jdbi, new ObjectMapper());

        log.append(event("aud_1", 1000L, "org_1", "sbx_a", "sandbox.create", AuditRecord.SUCCESS, 40));
        log.append(event("aud_2", 2000L, "org_1", "sbx_a", "command.execute", AuditRecord.SUCCESS, 7));
        log.append(event("aud_3", 2000L, "org_1", "sbx_a", "command.execute", AuditRecord.FAILURE, 3));
        log.append(event("aud_4", 3000L, "org_1", "", "apikey.create", AuditRecord.SUCCESS, 5));
        log.append(event("aud_5", 4000L, "org_2", "sbx_a", "command.execute", AuditRecord.FAILURE, 1));

        AuditEventView.Listing all = log.search(ORG_1, AuditQuery.parse(null, null, null, null, null, null, null));
        assertThat(all.total()).isEqualTo(4);
        assertThat(all.events()).extracting(AuditEventView::id).as("newest first, then last written first")
                .containsExactly("aud_4", "aud_3", "aud_2", "aud_1");
        assertThat(all.events().get(3).sessionId()).isEqualTo("ses_a");
        assertThat(all.events().get(3).details().get("exit_code").asInt()).isZero();
        assertThat(all.events().get(0).sessionId()).isEmpty();
        assertThat(all.events().get(0).userId()).isEmpty();

        AuditEventView.Listing filtered = log.search(ORG_1, AuditQuery.parse("sbx_a", "command.execute", "success",
                "1970-01-01T00:00:02Z", "1970-01-01T00:00:03Z", "10", "0"));
        assertThat(filtered.events()).extracting(AuditEventView::id).containsExactly("aud_2");
        assertThat(filtered.total()).isEqualTo(1);
        AuditEventView.Listing page = log.search(ORG_1, AuditQuery.parse(null, null, null, null, null, "2", "1"));
        assertThat(page.events()).extracting(AuditEventView::id).containsExactly("aud_3", "aud_2");
        assertThat(page.total()).isEqualTo(4);

        AuditEventView.Listing theirs = log.search(new Caller("org_2", null, null, "jwt:x", Set.of()),
                AuditQuery.parse(null, null, null, null, null, null, null));
        assertThat(theirs.events()).singleElement().satisfies(e -> {
            assertThat(e.id()).isEqualTo("aud_5");
            assertThat(e.sessionId()).as("another organization's sandbox lends no session").isEmpty();
        });

        AuditSummaryView summary = log.summary(ORG_1, "sbx_a");
        assertThat(summary).isEqualTo(new AuditSummaryView("sbx_a", 3, 1, 0, 0, 0, 1, 50,
                "1970-01-01T00:00:01Z", "1970-01-01T00:00:02Z"));
        assertThatThrownBy(() -> log.summary(new Caller("org_2", null, null, "jwt:x", Set.of()), "sbx_a"))
                .isInstanceOfSatisfying(DomainException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    }

    private static AuditRecord event(String id, long at, String org, String sandbox, String action, String outcome,
            long duration) {
        boolean failed = outcome.equals(AuditRecord.FAILURE);
        return new AuditRecord(id, at, org, null, "key_1", "key_1", sandbox, "", action, "/sandbox/" + sandbox,
                "{\"exit_code\":0}", outcome, failed ? 404 : 200, failed ? "SANDBOX_NOT_FOUND: gone" : null, duration,
                "req_" + id, "127.0.0.1");
    }

}
