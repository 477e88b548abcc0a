-- Secrets injected into a sandbox: names only. Values stay encrypted in `secrets` and are decrypted
-- for each command, so that no plaintext secret reaches the sandbox's row or a checkpoint.

CREATE TABLE sandbox_secrets (
    sandbox_id  VARCHAR(64)   NOT NULL,
    org_id      VARCHAR(64)   NOT NULL,
    name        VARCHAR(128)  NOT NULL,
    created_at  BIGINT        NOT NULL,
    PRIMARY KEY (sandbox_id, name)
);
CREATE INDEX sandbox_secrets_org_name ON sandbox_secrets (org_id, name);
