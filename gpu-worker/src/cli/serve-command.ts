import { type CommandSpec, parseOptions } from "./command-spec.ts";

export const SERVE: CommandSpec<Record<string, never>> = {
  name: "serve",
  summary: "Runs the inference worker (HTTP, signed requests from the edge), until SIGTERM or SIGINT.",
  synopsis: "",
  details: [
    "It takes no options: environment variables configure it (UGATIT_MODELS, PORT, S3_ENDPOINT, S3_BUCKET, WORKER_SHARED_SECRET, …; see the README's section on the inference worker). SIGTERM or SIGINT drains it: it stops taking work, finishes what it has, and exits 0.",
  ],
  options: {},
  examples: [
    "UGATIT_MODELS=demo@1=models/demo/emoji-light.safetensors WORKER_SHARED_SECRET=$(openssl rand -hex 32) ugatit serve",
  ],
  run: serveCommand,
};

/** `ugatit serve`: the inference worker, until SIGTERM or SIGINT, which drain it and exit 0. */
async function serveCommand(argv: string[]): Promise<number> {
  parseOptions(SERVE, argv);
  // the server and the AWS SDK load only for this command, not for every ugatit run
  const { workerConfigFromEnv } = await import("../server/config/worker-config.ts");
  const { startWorker } = await import("../server/worker-server.ts");
  const config = workerConfigFromEnv(process.env);
  const worker = await startWorker(config);
  await new Promise<void>((resolve) => {
    // `on`, not `once`: a second signal during the drain must not kill the process halfway
    process.on("SIGTERM", () => resolve());
    process.on("SIGINT", () => resolve());
  });
  const { completed } = await worker.drain();
  return completed ? 0 : 1;
}
