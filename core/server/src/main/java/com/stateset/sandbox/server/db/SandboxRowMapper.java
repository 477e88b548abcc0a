package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.SandboxRecord;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jdbi.v3.core.mapper.RowMapper;
import org.jdbi.v3.core.statement.StatementContext;

/**
 * Maps a {@code sandboxes} row by column name. Written out rather than reflected: JDBI's
 * constructor mapper re-inspects the record for every result set, which made it the largest cost
 * of the API's most frequent reads.
 */
public final class SandboxRowMapper implements RowMapper<SandboxRecord> {

    @Override
    public SandboxRecord map(ResultSet rs, StatementContext ctx) throws SQLException {
        return new SandboxRecord(
                rs.getString("id"),
                rs.getString("org_id"),
                rs.getString("session_id"),
                rs.getString("status"),
                rs.getString("template"),
                rs.getString("image"),
                rs.getString("cpus"),
                rs.getString("memory"),
                rs.getLong("cpu_millis"),
                rs.getLong("memory_bytes"),
                rs.getBoolean("network"),
                rs.getString("env"),
                rs.getString("metadata"),
                rs.getString("pod_ip"),
                rs.getString("status_reason"),
                nullableLong(rs, "startup_ms"),
                rs.getLong("created_at"),
                nullableLong(rs, "started_at"),
                rs.getLong("expires_at"),
                nullableLong(rs, "ended_at"),
                nullableLong(rs, "deleted_at"),
                rs.getLong("egress_bytes"),
                rs.getString("isolation"));
    }

    private static Long nullableLong(ResultSet rs, String column) throws SQLException {
        long value = rs.getLong(column);
        return rs.wasNull() ? null : value;
    }
}
