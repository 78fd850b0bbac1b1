/** `ugatit translate --framing/--compose` as a user runs it: the CLI in a child process, real photos (test/fixtures/faces). */
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { translateLight64 } from "./testing.ts";

const FACES = fileURLToPath(new URL("../../../test/fixtures/faces/", import.meta.url));

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ugatit-framing-"));
});

describe("ugatit translate --framing --compose", () => {
  it("frames the face, reports the box with --json, and pastes back at the photo's size", async () => {
    const out = join(dir, "pasted.jpg");
    const r = await translateLight64(
      "--input",
      join(FACES, "astronaut.jpg"),
      "--output",
      out,
      "--framing",
      "face",
      "--compose",
      "paste",
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as { framing: { mode: string; box: number[] }; compose: string };
    expect(report.framing.mode).toBe("face");
    expect(report.compose).toBe("paste");
    const [x, y, w, h] = report.framing.box as [number, number, number, number];
    // The hand-labelled face, [178, 78, 92, 92], inside a square box.
    expect([x <= 178, y <= 78, x + w >= 270, y + h >= 170, w === h]).toEqual([true, true, true, true, true]);
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([512, 512]);
  });

  it("writes the translated crop at the model's size by default, the box the centred square for center", async () => {
    const out = join(dir, "center.png");
    const r = await translateLight64(
      "--input",
      join(FACES, "messi.jpg"),
      "--output",
      out,
      "--framing",
      "center",
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).framing).toEqual({ mode: "center", box: [103, 0, 342, 342] });
    const meta = await sharp(out).metadata();
    expect([meta.width, meta.height]).toEqual([64, 64]);
  });

  it("turns an EXIF-rotated photo upright before framing", async () => {
    const turned = join(dir, "turned.jpg");
    await sharp(join(FACES, "messi.jpg")).rotate(270).withMetadata({ orientation: 6 }).toFile(turned);
    const r = await translateLight64(
      "--input",
      turned,
      "--output",
      join(dir, "turned-out.png"),
      "--framing",
      "center",
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).framing.box).toEqual([103, 0, 342, 342]);
  });

  it("refuses a photo without a face in face framing: one line, exit 1, nothing written", async () => {
    const out = join(dir, "none.png");
    const r = await translateLight64(
      "--input",
      join(FACES, "fruits.jpg"),
      "--output",
      out,
      "--framing",
      "face",
    );
    expect(r.code).toBe(1);
    expect(r.stderr.trimEnd().split("\n")).toEqual([
      "ugatit translate: no face found in the 512×480 image: use framing fit or center for photos without a face",
    ]);
    expect((await readdir(dir)).includes("none.png")).toBe(false);
  });

  it("refuses an unknown framing or compose with a usage error (exit 2)", async () => {
    const input = join(FACES, "messi.jpg");
    for (const [flag, value] of [
      ["--framing", "faces"],
      ["--compose", "blend"],
    ] as const) {
      const r = await translateLight64("--input", input, "--output", join(dir, "x.png"), flag, value);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(new RegExp(`${flag.slice(2)}`));
    }
  });
});
