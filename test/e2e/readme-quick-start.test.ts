/**
 * The README's quick start, run as written: in a copy of the repository, the set-up commands it lists
 * (`npm install`, `npm start`, the latter until it says ready), then its curl walkthrough with bash.
 */
import { execFile, spawn } from "node:child_process";
import { cp, mkdtemp, readdir, readFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_MODEL_SIZE } from "../../infra/local/dev-model.ts";
import { assertPortFree } from "../../infra/local/ports.ts";
import { ROOT } from "../helpers/processes.ts";
import { freePort } from "../helpers/stack.ts";

const run = promisify(execFile);

/** The fenced blocks of the README section `heading`, with their language tags. */
function blocks(readme: string, heading: string): { lang: string; body: string }[] {
  const start = readme.indexOf(`## ${heading}\n`);
  const end = readme.indexOf("\n## ", start + 1);
  const section = readme.slice(start, end === -1 ? undefined : end);
  return [...section.matchAll(/```(\w*)\n([\s\S]*?)```/g)].map((m) => ({
    lang: m[1] as string,
    body: m[2] as string,
  }));
}

/** Command lines of the processes running from `dir` (read from /proc). */
async function processesUnder(dir: string): Promise<string[]> {
  const found: string[] = [];
  for (const pid of await readdir("/proc").catch(() => [] as string[])) {
    if (!/^\d+$/.test(pid)) continue;
    const cmdline = await readFile(`/proc/${pid}/cmdline`, "utf8").catch(() => "");
    if (cmdline.includes(dir)) found.push(cmdline.replaceAll("\0", " ").trim());
  }
  return found;
}

let start: ReturnType<typeof spawn> | undefined;
/** Ctrl-C in a terminal: SIGINT to the whole foreground process group. */
const interrupt = (signal: NodeJS.Signals) => {
  try {
    if (start?.pid) process.kill(-start.pid, signal);
  } catch {
    // the group is already gone
  }
};
afterAll(() => interrupt("SIGKILL"));

describe("the README's quick start", () => {
  it("sets up, starts, and runs the curl walkthrough as written", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const [setup, walkthrough] = blocks(readme, "Quick start");
    const commands = setup?.body.trim().split("\n") ?? [];
    expect(commands).toEqual(["npm install", "npm start"]);
    expect(walkthrough?.lang).toBe("bash");

    // a newcomer's clone: the repository's files, none of its installed or generated state
    const copy = await mkdtemp(join(tmpdir(), "ugatit-readme-"));
    const { stdout } = await run("git", ["ls-files", "--cached", "--others", "--exclude-standard"], {
      cwd: ROOT,
      maxBuffer: 1 << 24,
    });
    for (const file of stdout.split("\n").filter(Boolean)) {
      await cp(join(ROOT, file), join(copy, file), { recursive: true, force: true }).catch(
        (error: NodeJS.ErrnoException) => {
          if (error.code !== "ENOENT") throw error; // deleted but not yet committed
        },
      );
    }
    const env = {
      ...process.env,
      EDGE_PORT: String(await freePort()),
      WORKER_PORT: String(await freePort()),
      S3_PORT: String(await freePort()),
      INSPECTOR_PORT: String(await freePort()),
      ONNXRUNTIME_NODE_INSTALL: "skip",
      PATH: `${dirname(process.execPath)}:${process.env.PATH}`,
    };
    await run("bash", ["-c", commands[0] as string], { cwd: copy, env, maxBuffer: 1 << 26 });

    // its own process group, as a terminal gives a foreground job
    start = spawn("bash", ["-c", commands[1] as string], {
      cwd: copy,
      env,
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    let output = "";
    await new Promise<void>((resolve, reject) => {
      start?.stdout?.on("data", (d: Buffer) => {
        output += d.toString();
        if (/^ready/m.test(output)) resolve();
      });
      start?.stderr?.on("data", (d: Buffer) => {
        output += d.toString();
      });
      start?.once("exit", (code) => reject(new Error(`npm start exited with ${code}: ${output}`)));
    });
    expect(output).toMatch(/api key\s+ugk_/);
    // a fresh clone serves the demo model it ships, at the size it was trained at
    expect(output).toMatch(/model\s+demo@1\s+\S*models\/demo\/emoji-light\.safetensors/);

    await run("bash", ["-euo", "pipefail", "-c", walkthrough?.body as string], { cwd: copy, env });
    for (const [file, side] of [
      ["translated.png", DEMO_MODEL_SIZE],
      ["heatmap.png", DEMO_MODEL_SIZE],
    ] as const) {
      const meta = await sharp(join(copy, file)).metadata();
      expect([meta.format, meta.width]).toEqual(["png", side]);
    }

    // Ctrl-C stops every part and leaves no process behind and nothing listening
    interrupt("SIGINT");
    const deadline = Date.now() + 30_000;
    let left = await processesUnder(copy);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await processesUnder(copy);
    }
    expect(left, output).toEqual([]);
    for (const name of ["EDGE_PORT", "WORKER_PORT", "S3_PORT", "INSPECTOR_PORT"]) {
      await expect(assertPortFree(Number(env[name as keyof typeof env]), name)).resolves.toBeUndefined();
    }
  });
});
