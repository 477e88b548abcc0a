package com.stateset.sandbox.server.db;

import java.util.Optional;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;
import org.jdbi.v3.sqlobject.transaction.Transaction;

/** Terminal tickets, by the digest of each: issued, then redeemed at most once before they expire. */
public interface TerminalTicketDao {

    @SqlUpdate("INSERT INTO terminal_tickets (ticket_hash, org_id, sandbox_id, spec, expires_at)"
            + " VALUES (:hash, :orgId, :sandboxId, :spec, :expiresAt)")
    void insert(@Bind("hash") String hash, @Bind("orgId") String orgId, @Bind("sandboxId") String sandboxId,
            @Bind("spec") String spec, @Bind("expiresAt") long expiresAt);

    @SqlUpdate("UPDATE terminal_tickets SET used_at = :now WHERE ticket_hash = :hash AND sandbox_id = :sandboxId"
            + " AND used_at IS NULL AND expires_at > :now")
    int markUsed(@Bind("hash") String hash, @Bind("sandboxId") String sandboxId, @Bind("now") long now);

    @SqlQuery("SELECT spec FROM terminal_tickets WHERE ticket_hash = :hash")
    Optional<String> spec(@Bind("hash") String hash);

    @SqlQuery("SELECT org_id FROM terminal_tickets WHERE ticket_hash = :hash")
    Optional<String> orgId(@Bind("hash") String hash);

    /** Marks the ticket used if it still may be, and answers its organization and spec: once, whichever server asks. */
    @Transaction
    default Optional<Redeemed> redeem(String hash, String sandboxId, long now) {
        if (markUsed(hash, sandboxId, now) != 1) {
            return Optional.empty();
        }
        return Optional.of(new Redeemed(orgId(hash).orElseThrow(), spec(hash).orElseThrow()));
    }

    @SqlUpdate("DELETE FROM terminal_tickets WHERE expires_at < :before")
    int deleteExpired(@Bind("before") long before);

    record Redeemed(String orgId, String spec) {
    }
}
