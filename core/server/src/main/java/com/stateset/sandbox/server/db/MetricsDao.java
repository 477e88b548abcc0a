package com.stateset.sandbox.server.db;

import com.stateset.sandbox.server.model.MetricsSample;
import java.util.List;
import java.util.Optional;
import org.jdbi.v3.sqlobject.config.RegisterConstructorMapper;
import org.jdbi.v3.sqlobject.customizer.Bind;
import org.jdbi.v3.sqlobject.customizer.BindMethods;
import org.jdbi.v3.sqlobject.statement.SqlQuery;
import org.jdbi.v3.sqlobject.statement.SqlUpdate;

@RegisterConstructorMapper(MetricsSample.class)
public interface MetricsDao {

    @SqlUpdate("INSERT INTO sandbox_metrics (sandbox_id, sampled_at, cpu_nanos, cpu_cores, memory_bytes, disk_bytes,"
            + " disk_limit_bytes, network_rx_bytes, network_tx_bytes) VALUES (:sandboxId, :sampledAt, :cpuNanos, :cpuCores,"
            + " :memoryBytes, :diskBytes, :diskLimitBytes, :networkRxBytes, :networkTxBytes)")
    void insert(@BindMethods MetricsSample sample);

    @SqlQuery("SELECT * FROM sandbox_metrics WHERE sandbox_id = :id ORDER BY sampled_at DESC LIMIT 1")
    Optional<MetricsSample> latest(@Bind("id") String sandboxId);

    /** The newest {@code limit} readings, newest first. */
    @SqlQuery("SELECT * FROM sandbox_metrics WHERE sandbox_id = :id ORDER BY sampled_at DESC LIMIT :limit")
    List<MetricsSample> newest(@Bind("id") String sandboxId, @Bind("limit") int limit);

    @SqlUpdate("DELETE FROM sandbox_metrics WHERE sampled_at < :before")
    int deleteBefore(@Bind("before") long before);
}
