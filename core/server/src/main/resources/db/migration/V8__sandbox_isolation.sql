-- How each sandbox is isolated (container, gvisor, ...): chosen at create, kept for its forks.

ALTER TABLE sandboxes ADD COLUMN isolation VARCHAR(20) NOT NULL DEFAULT 'container';
