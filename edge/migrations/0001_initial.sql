-- API keys: only the SHA-256 of a key is kept; `id` is the public part of the key, used to find the row.
CREATE TABLE api_keys (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  key_hash TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT
);
CREATE INDEX api_keys_by_tenant ON api_keys (tenant);

-- Images announced by POST /v1/uploads (presigned PUT) or received as a translation's body.
CREATE TABLE uploads (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  object_key TEXT NOT NULL,
  content_type TEXT NOT NULL,
  content_length INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE INDEX uploads_by_tenant ON uploads (tenant, id);

-- Translation jobs. `attempts` and `last_error` follow the queue's retries; `error` is the final one.
CREATE TABLE jobs (
  id TEXT PRIMARY KEY,
  tenant TEXT NOT NULL,
  upload_id TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'canceled')),
  direction TEXT NOT NULL,
  model TEXT NOT NULL,
  outputs TEXT NOT NULL,
  format TEXT NOT NULL,
  resize TEXT NOT NULL,
  input_key TEXT NOT NULL,
  image_key TEXT NOT NULL,
  heatmap_key TEXT,
  cam_logit TEXT,
  error TEXT,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  request_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  started_at TEXT,
  completed_at TEXT
);
CREATE INDEX jobs_by_tenant ON jobs (tenant, id);

-- Idempotency-Key → the job it created, with a fingerprint of the request that created it.
CREATE TABLE idempotency_keys (
  tenant TEXT NOT NULL,
  key TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  job_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  PRIMARY KEY (tenant, key)
);
