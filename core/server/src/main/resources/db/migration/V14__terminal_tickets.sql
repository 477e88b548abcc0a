-- Single-use tickets that open a terminal's WebSocket (browsers cannot send a credential header on
-- one). Only a digest of each ticket is kept; redeeming marks it used, once, on whichever server.

CREATE TABLE terminal_tickets (
    ticket_hash  VARCHAR(64)   NOT NULL PRIMARY KEY,
    org_id       VARCHAR(64)   NOT NULL,
    sandbox_id   VARCHAR(64)   NOT NULL,
    spec         VARCHAR(40000) NOT NULL,
    expires_at   BIGINT        NOT NULL,
    used_at      BIGINT
);
CREATE INDEX terminal_tickets_expires ON terminal_tickets (expires_at);
