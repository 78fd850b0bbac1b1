/** @module Starts S3, a healthy worker and a webhook receiver for the `edge` test project. */
import type { TestProject } from "vitest/node";
import { logServer, Services, storageOf, testImages, WORKER_SECRET } from "./services.ts";
import { webhookReceiver } from "./webhook-receiver.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = new Services();
  try {
    const s3 = await services.s3();
    const worker = await services.worker(s3);
    project.provide("storage", storageOf(s3));
    project.provide("workerSecret", WORKER_SECRET);
    project.provide("workerUrl", worker.url);
    project.provide("workerLogsUrl", await logServer(services, worker.logs));
    project.provide("images", await testImages());
    project.provide("webhookReceiverUrl", await webhookReceiver(services));
  } catch (error) {
    await services.stopAll();
    throw error;
  }
  return () => services.stopAll();
}
