-- Runs of GET /benchmark: sandboxes created and given a first command on this installation, timed.
-- samples holds each run's timings (JSON); the medians are kept for filtering and summaries.

CREATE TABLE benchmark_runs (
    id                       VARCHAR(64)   PRIMARY KEY,
    org_id                   VARCHAR(64)   NOT NULL REFERENCES organizations (id),
    template                 VARCHAR(64)   NOT NULL,
    region                   VARCHAR(64)   NOT NULL,
    runs                     INTEGER       NOT NULL,
    total_median_ms          BIGINT        NOT NULL,
    samples                  VARCHAR(20000) NOT NULL,
    created_at               BIGINT        NOT NULL
);
CREATE INDEX benchmark_runs_org_created ON benchmark_runs (org_id, created_at);
