/**
 * The README's quick start, run as a newcomer would: in a copy of the repository, with only HOME and the PATH
 * the user's shell had (none of what npm adds for its scripts, no other variable), the set-up commands it
 * lists (`npm install`, `npm start` until it says ready), its curl walkthrough with bash, and then its test
 * command in the same copy. Everything those commands write must be ignored by git.
 */
import { execFile, spawn } from "node:child_process";
import { cp, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { homedir, tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import sharp from "sharp";
import { afterAll, describe, expect, it } from "vitest";
import { DEMO_MODEL_SIZE } from "../../gpu-worker/src/catalogue/catalogue.ts";
import { assertPortFree } from "../../infra/local/ports.ts";
import { processesUnder, ROOT } from "../helpers/processes.ts";
import { freePort } from "../helpers/stack.ts";

const run = promisify(execFile);

/** Written into the copy (and ignored by git): vitest.config.ts then leaves this test out of its `npm test`. */
const COPY_MARKER = ".quick-start-copy";

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

/** The user's shell environment: HOME, and PATH without the node_modules/.bin folders npm prepends for scripts. */
function userEnvironment(): Record<string, string> {
  const path = (process.env.PATH ?? "")
    .split(":")
    .filter((dir) => !/node_modules\/\.bin$|node-gyp-bin$/.test(dir))
    .join(":");
  return { HOME: process.env.HOME ?? homedir(), PATH: path };
}

/** A newcomer's clone: the working tree's files (none of its installed or generated state), committed. */
async function copyRepository(): Promise<string> {
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
  const git = (...args: string[]) => run("git", args, { cwd: copy, maxBuffer: 1 << 24 });
  await git("init", "-q");
  await git("add", "-A");
  await git("-c", "user.name=quick-start", "-c", "user.email=quick-start@localhost", "commit", "-qm", "copy");
  await writeFile(join(copy, COPY_MARKER), "a copy made by test/e2e/readme-quick-start.test.ts\n");
  return copy;
}

let copy: string | undefined;
let start: ReturnType<typeof spawn> | undefined;
/** Ctrl-C in a terminal: SIGINT to the whole foreground process group. */
const interrupt = (signal: NodeJS.Signals) => {
  try {
    if (start?.pid) process.kill(-start.pid, signal);
  } catch {
    // the group is already gone
  }
};
afterAll(async () => {
  interrupt("SIGKILL");
  if (copy) await rm(copy, { recursive: true, force: true });
});

describe("the README's quick start", () => {
  it("sets up, starts, runs the curl walkthrough and then the tests, as written", async () => {
    const readme = await readFile(join(ROOT, "README.md"), "utf8");
    const [setup, walkthrough] = blocks(readme, "Quick start");
    const commands = setup?.body.trim().split("\n") ?? [];
    expect(commands).toEqual(["npm install", "npm start"]);
    expect(walkthrough?.lang).toBe("bash");
    const testCommand = blocks(readme, "Tests")[0]?.body.trim();
    expect(testCommand).toBe("npm test");

    copy = await copyRepository();
    const cwd = copy;
    const env = userEnvironment();
    await run("bash", ["-c", commands[0] as string], { cwd, env, maxBuffer: 1 << 26 });
    // npm's scripts run on Node 22 or newer (on Linux the one `npm install` brought), whatever the shell's is
    const { stdout: scriptNode } = await run("npm", ["exec", "--", "node", "-p", "process.versions.node"], {
      cwd,
      env,
    });
    expect(Number(scriptNode.trim().split(".")[0])).toBeGreaterThanOrEqual(22);

    // the README names these variables for ports in use; free ones keep other stacks on this machine apart
    const ports = {
      EDGE_PORT: String(await freePort()),
      WORKER_PORT: String(await freePort()),
      S3_PORT: String(await freePort()),
      INSPECTOR_PORT: String(await freePort()),
    };
    // its own process group, as a terminal gives a foreground job
    start = spawn("bash", ["-c", commands[1] as string], {
      cwd,
      env: { ...env, ...ports },
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

    await run("bash", ["-euo", "pipefail", "-c", walkthrough?.body as string], { cwd, env });
    for (const file of ["out/translated.png", "out/heatmap.png"]) {
      const meta = await sharp(join(cwd, file)).metadata();
      expect([file, meta.format, meta.width]).toEqual([file, "png", DEMO_MODEL_SIZE]);
    }

    // Ctrl-C stops every part and leaves no process behind and nothing listening
    interrupt("SIGINT");
    const deadline = Date.now() + 30_000;
    let left = await processesUnder(cwd);
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      left = await processesUnder(cwd);
    }
    expect(left, output).toEqual([]);
    for (const [name, port] of Object.entries(ports)) {
      await expect(assertPortFree(Number(port), name)).resolves.toBeUndefined();
    }

    // then the README's test command in the same clone, the walkthrough's files still there
    const tests = await run("bash", ["-c", testCommand as string], { cwd, env, maxBuffer: 1 << 28 }).catch(
      (error: { code: number; stdout: string; stderr: string }) => error,
    );
    expect(
      "code" in tests ? tests.code : 0,
      `${tests.stdout.slice(-4000)}\n${tests.stderr.slice(-4000)}`,
    ).toBe(0);
    // and everything the commands wrote is ignored by git (and so by Biome's ignores, which npm test checked)
    const { stdout: status } = await run("git", ["status", "--porcelain", "--untracked-files=all"], { cwd });
    expect(status).toBe("");
  }, 3_600_000);
});
