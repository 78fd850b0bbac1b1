import { type ChildProcess, spawn } from "node:child_process";
import { createInterface } from "node:readline";

export interface ServiceSpec {
  /** How the service is named in every message. */
  name: string;
  command: string;
  args: string[];
  env?: Record<string, string>;
  cwd?: string;
}

interface Running {
  spec: ServiceSpec;
  child: ChildProcess;
  /** The last lines it wrote, to explain a failure. */
  tail: string[];
}

/**
 * Runs the parts of the local stack as child processes, each in its own process group so that stopping
 * one stops everything it started (wrangler starts workerd). Reports an unexpected exit by name.
 */
export class Supervisor {
  private readonly running = new Map<string, Running>();
  /** The last lines each service wrote, kept after it exits. */
  private readonly tails = new Map<string, string[]>();
  private stopping = false;
  /** Services being stopped on purpose: their exit is not a failure. */
  private readonly quiet = new Set<string>();

  constructor(
    private readonly onUnexpectedExit: (name: string, code: number | null, tail: string[]) => void,
    private readonly log: (name: string, line: string) => void = () => undefined,
  ) {}

  start(spec: ServiceSpec): ChildProcess {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env },
      stdio: ["ignore", "pipe", "pipe"],
      detached: true,
    });
    const entry: Running = { spec, child, tail: [] };
    this.tails.set(spec.name, entry.tail);
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      createInterface({ input: stream }).on("line", (line) => {
        entry.tail.push(line);
        if (entry.tail.length > 20) entry.tail.shift();
        this.log(spec.name, line);
      });
    }
    child.once("exit", (code) => {
      this.running.delete(spec.name);
      if (!this.stopping && !this.quiet.has(spec.name)) this.onUnexpectedExit(spec.name, code, entry.tail);
    });
    this.running.set(spec.name, entry);
    return child;
  }

  /** The last non-empty line a service wrote (an error, usually, once it has exited). */
  lastLine(name: string): string | undefined {
    return this.tails
      .get(name)
      ?.filter((line) => line.trim())
      .at(-1);
  }

  /** Kills one service as a crash would (SIGKILL to its group); the exit is reported like any other. */
  kill(name: string): Promise<void> {
    const entry = this.running.get(name);
    if (!entry) return Promise.resolve();
    return new Promise((resolve) => {
      entry.child.once("exit", () => resolve());
      signalGroup(entry.child, "SIGKILL");
    });
  }

  /** Stops one service gracefully (SIGTERM), without it counting as a failure. */
  async stop(name: string, graceMs = 10_000): Promise<void> {
    const entry = this.running.get(name);
    if (!entry) return;
    this.quiet.add(name);
    await stopGroup(entry.child, graceMs);
    this.quiet.delete(name);
  }

  /** Stops every service (SIGTERM to its process group, SIGKILL after `graceMs`), newest first. */
  async stopAll(graceMs = 10_000): Promise<void> {
    this.stopping = true;
    const entries = [...this.running.values()].reverse();
    await Promise.all(entries.map((entry) => stopGroup(entry.child, graceMs)));
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (child.pid) process.kill(-child.pid, signal);
  } catch {
    // already gone
  }
}

function stopGroup(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) {
    signalGroup(child, "SIGKILL"); // grandchildren may outlive their parent
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => signalGroup(child, "SIGKILL"), graceMs);
    child.once("exit", () => {
      clearTimeout(timer);
      signalGroup(child, "SIGKILL");
      resolve();
    });
    signalGroup(child, "SIGTERM");
  });
}
