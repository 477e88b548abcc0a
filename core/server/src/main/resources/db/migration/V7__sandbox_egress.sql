-- Bytes each sandbox has sent to the network, as last read from its runtime: sampled while it
-- runs and once more before it is removed, so that usage can meter egress.

ALTER TABLE sandboxes ADD COLUMN egress_bytes BIGINT NOT NULL DEFAULT 0;
