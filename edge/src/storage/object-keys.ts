/** @module Where things live in the bucket: everything under its tenant's prefix. */
import type { OutputFormat } from "@ugatit/contracts/protocol";

export function uploadObjectKey(tenant: string, uploadId: string): string {
  return `t/${tenant}/uploads/${uploadId}`;
}

export function outputObjectKeys(
  tenant: string,
  jobId: string,
  format: OutputFormat,
  heatmap: boolean,
): { image: string; heatmap?: string } {
  const prefix = `t/${tenant}/outputs/${jobId}`;
  return { image: `${prefix}/image.${format}`, ...(heatmap ? { heatmap: `${prefix}/heatmap.png` } : {}) };
}
