/**
 * @module Starts the faulty surroundings of the `edge-faults` test project, for real: a worker whose storage
 * is gone (every inference answers 503), a worker slower than the edge's deadline, a port where nothing
 * listens, a server that never answers, and servers answering as a loading or a full worker does.
 */
import type { TestProject } from "vitest/node";
import {
  busyWorker,
  hungServer,
  loadingWorker,
  Services,
  storageOf,
  testImages,
  unusedUrl,
  WORKER_SECRET,
} from "./services.ts";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const services = new Services();
  try {
    const s3 = await services.s3();
    const lostStorage = await services.s3();
    const [failing, slow] = await Promise.all([
      services.worker(lostStorage),
      services.worker(s3, { MAX_BATCH: "8", MAX_DELAY_MS: "5000" }),
    ]);
    await lostStorage.stop();
    project.provide("storage", storageOf(s3));
    project.provide("workerSecret", WORKER_SECRET);
    project.provide("workerUrl", failing.url);
    project.provide("slowWorkerUrl", slow.url);
    project.provide("downWorkerUrl", await unusedUrl());
    project.provide("hungWorkerUrl", await hungServer(services));
    project.provide("loadingWorkerUrl", await loadingWorker(services, 7));
    project.provide("busyWorkerUrl", await busyWorker(services, 30));
    project.provide("images", await testImages());
  } catch (error) {
    await services.stopAll();
    throw error;
  }
  return () => services.stopAll();
}
