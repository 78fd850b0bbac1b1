/** @module The uploads table: what each upload declared, under its tenant. */

export interface UploadRecord {
  id: string;
  tenant: string;
  object_key: string;
  content_type: string;
  content_length: number;
  created_at: string;
  /** When its presigned PUT URL expires (for an image received as a request body: when it was received). */
  expires_at: string;
}

export async function insertUpload(db: D1Database, r: UploadRecord): Promise<void> {
  await db
    .prepare(
      "INSERT INTO uploads (id, tenant, object_key, content_type, content_length, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
    )
    .bind(r.id, r.tenant, r.object_key, r.content_type, r.content_length, r.created_at, r.expires_at)
    .run();
}

/** The tenant's upload `id`, or null: another tenant's upload is as absent as none. */
export function findUpload(db: D1Database, tenant: string, id: string): Promise<UploadRecord | null> {
  return db
    .prepare("SELECT * FROM uploads WHERE tenant = ? AND id = ?")
    .bind(tenant, id)
    .first<UploadRecord>();
}

export async function deleteUpload(db: D1Database, tenant: string, id: string): Promise<void> {
  await db.prepare("DELETE FROM uploads WHERE tenant = ? AND id = ?").bind(tenant, id).run();
}

/** Uploads created before `before` that no queued or running job still needs, oldest first. */
export async function findExpiredUploads(
  db: D1Database,
  before: Date,
  limit: number,
): Promise<UploadRecord[]> {
  return (
    await db
      .prepare(
        `SELECT * FROM uploads u WHERE u.created_at < ? AND NOT EXISTS (
           SELECT 1 FROM jobs j WHERE j.upload_id = u.id AND j.tenant = u.tenant AND j.status IN ('queued', 'running'))
         ORDER BY u.created_at LIMIT ?`,
      )
      .bind(before.toISOString(), limit)
      .all<UploadRecord>()
  ).results;
}
