/** @module A loopback webhook receiver for the chaos run: records every delivery, answers 204. */
import { createServer } from "node:http";

interface Delivery {
  webhookId: string;
  type: string;
  jobId: string;
}

export interface WebhookReceiver {
  url: string;
  /** Jobs whose `completed` event arrived. */
  completedJobs(): Set<string>;
  summary(jobs: Set<string>): {
    deliveries: number;
    jobsNotified: number;
    repeatsSameId: number;
    mismatched: number;
  };
  close(): Promise<void>;
}

export async function startWebhookReceiver(): Promise<WebhookReceiver> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      try {
        const body = JSON.parse(Buffer.concat(chunks).toString()) as { type: string; data: { id: string } };
        deliveries.push({
          webhookId: String(req.headers["webhook-id"]),
          type: body.type,
          jobId: body.data.id,
        });
        res.writeHead(204).end();
      } catch {
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  const completed = () => deliveries.filter((d) => d.type === "translation.completed");
  return {
    url: `http://127.0.0.1:${port}/hooks`,
    completedJobs: () => new Set(completed().map((d) => d.jobId)),
    summary(jobs) {
      const mine = completed().filter((d) => jobs.has(d.jobId));
      const idOfJob = new Map<string, string>();
      let repeatsSameId = 0;
      let mismatched = 0;
      for (const d of mine) {
        const first = idOfJob.get(d.jobId);
        if (first === undefined) idOfJob.set(d.jobId, d.webhookId);
        else if (first === d.webhookId) repeatsSameId++;
        else mismatched++;
      }
      return { deliveries: mine.length, jobsNotified: idOfJob.size, repeatsSameId, mismatched };
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
