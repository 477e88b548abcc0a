-- Secrets of an organization, injected into its sandboxes' environments. The server encrypts each
-- value (AES-256-GCM under secrets.masterKey) before it reaches the database: `ciphertext` holds
-- the versioned form SecretCipher writes (version, master-key id, nonce, ciphertext and tag), so
-- rows stored under one key can be told apart from rows stored under another.

CREATE TABLE secrets (
    id                        VARCHAR(64)     PRIMARY KEY,
    org_id                    VARCHAR(64)     NOT NULL REFERENCES organizations (id),
    name                      VARCHAR(128)    NOT NULL,
    scope                     VARCHAR(20)     NOT NULL,
    ciphertext                VARCHAR(100000) NOT NULL,
    allowed_sandbox_patterns  VARCHAR(4000)   NOT NULL,
    expires_at                BIGINT,
    created_at                BIGINT          NOT NULL,
    updated_at                BIGINT          NOT NULL,
    CONSTRAINT secrets_org_name UNIQUE (org_id, name)
);
