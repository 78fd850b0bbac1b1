-- When a queued job's message is due (its enqueue time plus any delay): long past it, the message is lost.
ALTER TABLE jobs ADD COLUMN due_at TEXT;
-- Where the job's events go (a URL), and which ones (comma-separated: started, completed).
ALTER TABLE jobs ADD COLUMN webhook_url TEXT;
ALTER TABLE jobs ADD COLUMN webhook_events TEXT;
-- The sweeper looks for stuck jobs by status and age, expired ones by completion, and keeps uploads a job
-- still needs.
CREATE INDEX jobs_by_status ON jobs (status, started_at);
CREATE INDEX jobs_by_completion ON jobs (completed_at);
CREATE INDEX jobs_by_upload ON jobs (upload_id);
CREATE INDEX uploads_by_age ON uploads (created_at);
CREATE INDEX idempotency_keys_by_age ON idempotency_keys (created_at);

-- One signing secret per tenant ("whsec_" + base64 of 32 random bytes), created on first use.
CREATE TABLE webhook_secrets (
  tenant TEXT PRIMARY KEY,
  secret TEXT NOT NULL,
  created_at TEXT NOT NULL
);

-- One row per event of a job; `id` is the webhook-id every attempt of the event carries.
CREATE TABLE webhook_deliveries (
  id TEXT PRIMARY KEY,
  job_id TEXT NOT NULL,
  tenant TEXT NOT NULL,
  url TEXT NOT NULL,
  type TEXT NOT NULL CHECK (type IN ('translation.started', 'translation.completed')),
  occurred_at TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('pending', 'delivered', 'failed')),
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  next_attempt_at TEXT NOT NULL,
  delivered_at TEXT,
  UNIQUE (job_id, type)
);
CREATE INDEX webhook_deliveries_by_status ON webhook_deliveries (status, next_attempt_at);
