import { workerConfigFromEnv } from "../server/config/worker-config.ts";
import { startWorker } from "../server/worker-server.ts";
import { parseCommandLine } from "./args.ts";

export const SERVE_USAGE = "ugatit serve   (configured by environment variables: see README)";

/** `ugatit serve`: the inference worker, until SIGTERM or SIGINT, which drain it and exit 0. */
export async function serveCommand(argv: string[]): Promise<number> {
  parseCommandLine(argv, {});
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
