/** `npm start`'s failure paths: a busy port and a part that cannot start are named, and nothing is left running. */
import { mkdtemp, writeFile } from "node:fs/promises";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { freeStackPorts, startStack } from "../../infra/local/stack.ts";
import { processesUnder, ROOT } from "../helpers/processes.ts";

describe("the local stack launcher", () => {
  it("names a port already in use and starts nothing", async () => {
    const busy = createServer().listen(0, "127.0.0.1");
    await new Promise((resolve) => busy.once("listening", resolve));
    const port = (busy.address() as { port: number }).port;
    const stateDir = await mkdtemp(join(tmpdir(), "ugatit-launch-"));
    await expect(
      startStack({ root: ROOT, stateDir, ports: { ...(await freeStackPorts()), worker: port } }),
    ).rejects.toThrow(`worker cannot start: port ${port} is already in use`);
    busy.close();
    expect(await processesUnder(stateDir)).toEqual([]);
  });

  it("names a part that fails to start and stops the others", async () => {
    const stateDir = await mkdtemp(join(tmpdir(), "ugatit-launch-"));
    const bogus = join(stateDir, "bogus.pt");
    await writeFile(bogus, "not a checkpoint at all");
    await expect(
      startStack({ root: ROOT, stateDir, ports: await freeStackPorts(), checkpoint: bogus }),
    ).rejects.toThrow(/^worker exited during start-up/);
    expect(await processesUnder(stateDir)).toEqual([]);
  });
});
