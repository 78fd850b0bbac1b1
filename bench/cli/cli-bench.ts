/**
 * @module `ugatit translate` on N images: one folder run (the model loaded once) against N single-image runs
 * (a process, a model load and, for ONNX Runtime, an in-memory export each), as a user would type them.
 */
import { execFile } from "node:child_process";
import { copyFile, mkdir, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";

const run = promisify(execFile);
const CLI = fileURLToPath(new URL("../../gpu-worker/bin/ugatit.js", import.meta.url));

export interface CliBenchResult {
  mode: "folder" | "single";
  images: number;
  seconds: number;
}

async function timed(args: string[]): Promise<number> {
  const started = performance.now();
  await run(process.execPath, [CLI, "translate", ...args], { maxBuffer: 1 << 20 });
  return (performance.now() - started) / 1000;
}

/** Both ways over the first `images` files of `source` (a folder of PNG, JPEG or WebP files), demo model. */
export async function benchCli(options: { source: string; images: number }): Promise<CliBenchResult[]> {
  const work = await mkdtemp(join(tmpdir(), "ugatit-cli-bench-"));
  try {
    const input = join(work, "in");
    await mkdir(input);
    const names = (await readdir(options.source)).filter((n) => /\.(png|jpe?g|webp)$/i.test(n)).sort();
    const chosen = names.slice(0, options.images);
    if (chosen.length < options.images)
      throw new Error(`${options.source} holds ${names.length} images, fewer than ${options.images}`);
    for (const name of chosen) await copyFile(join(options.source, name), join(input, name));

    const folder = await timed(["--direction", "A2B", "--input", input, "--output", join(work, "folder")]);
    await mkdir(join(work, "single"));
    let single = 0;
    for (const name of chosen) {
      single += await timed([
        "--direction",
        "A2B",
        "--input",
        join(input, name),
        "--output",
        join(work, "single", name),
      ]);
    }
    return [
      { mode: "folder", images: chosen.length, seconds: folder },
      { mode: "single", images: chosen.length, seconds: single },
    ];
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** The two rows side by side, and how many times faster the folder run was. */
export function cliTable(results: CliBenchResult[]): string {
  const rows = results.map(
    (r) =>
      `| ${r.mode === "folder" ? `one folder run (\`--input DIR\`)` : `${r.images} single-image runs`} | ${r.images} | ${r.seconds.toFixed(1)} | ${((1000 * r.seconds) / r.images).toFixed(0)} |`,
  );
  const folder = results.find((r) => r.mode === "folder");
  const single = results.find((r) => r.mode === "single");
  const ratio =
    folder && single
      ? `\n\nThe folder run took ${(folder.seconds / single.seconds).toFixed(3)}× the single runs' time: ${(single.seconds / folder.seconds).toFixed(1)}× faster.`
      : "";
  return `| ugatit translate | images | wall s | ms/img |\n|---|---|---|---|\n${rows.join("\n")}${ratio}`;
}
