-- Readings of each running sandbox's resource counters, taken as usage is sampled and kept for
-- metricsRetentionHours: what a sandbox's metrics history and summary show.

CREATE TABLE sandbox_metrics (
    sandbox_id        VARCHAR(64)      NOT NULL,
    sampled_at        BIGINT           NOT NULL,
    cpu_nanos         BIGINT           NOT NULL,
    cpu_cores         DOUBLE PRECISION NOT NULL,
    memory_bytes      BIGINT           NOT NULL,
    disk_bytes        BIGINT,
    disk_limit_bytes  BIGINT           NOT NULL,
    network_rx_bytes  BIGINT           NOT NULL,
    network_tx_bytes  BIGINT           NOT NULL,
    PRIMARY KEY (sandbox_id, sampled_at)
);
CREATE INDEX sandbox_metrics_sampled ON sandbox_metrics (sampled_at);
