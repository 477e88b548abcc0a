-- How each sandbox is isolated (container, gvisor, ...): chosen at create, kept for its forks.
-- Sandboxes made before it was recorded have none: the runtime's configuration decided theirs.

ALTER TABLE sandboxes ADD COLUMN isolation VARCHAR(20);
