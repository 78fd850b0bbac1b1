/**
 * `ugatit translate` as a user runs it, in real processes on real images: the shipped demo model by default,
 * folders (the model loaded once; the same pixels as single runs; a bad file reported and skipped), and
 * `-` for standard input and output.
 */
import { execFile } from "node:child_process";
import { access, copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { DEMO_MODEL_SIZE } from "../catalogue/catalogue.ts";
import { CLI, ugatit, ugatitPiped } from "./testing.ts";

const DEMO_A = fileURLToPath(new URL("../../../test/fixtures/demo-check/testA/", import.meta.url));
const SLOTH = join(DEMO_A, "noto-sloth.png");

/** Decoded RGB pixels and size, whatever the container. */
async function pixels(source: string | Buffer) {
  const { data, info } = await sharp(source).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, format: (await sharp(source).metadata()).format, data };
}

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ugatit-translate-"));
});

describe("ugatit translate without --checkpoint", () => {
  it("runs the shipped demo model at the size it was trained at; --model demo names it", async () => {
    const byDefault = join(dir, "default.png");
    const r = await ugatit(
      "translate",
      "--direction",
      "A2B",
      "--input",
      SLOTH,
      "--output",
      byDefault,
      "--json",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ size: DEMO_MODEL_SIZE, light: true, direction: "A2B" });
    const named = join(dir, "named.png");
    const n = await ugatit(
      "translate",
      "--model",
      "demo",
      "--direction",
      "A2B",
      "--input",
      SLOTH,
      "--output",
      named,
    );
    expect(n.code, n.stderr).toBe(0);
    const [a, b] = [await pixels(byDefault), await pixels(named)];
    expect([a.width, a.height]).toEqual([DEMO_MODEL_SIZE, DEMO_MODEL_SIZE]);
    expect(a.data.equals(b.data)).toBe(true);
  });

  it("refuses a model it does not know, and --model with --checkpoint", async () => {
    const unknown = await ugatit(
      "translate",
      "--model",
      "nope",
      "--direction",
      "A2B",
      "--input",
      SLOTH,
      "--output",
      join(dir, "x.png"),
    );
    expect([unknown.code, unknown.stderr.trim()]).toEqual([
      1,
      expect.stringMatching(/no model named "nope" \(models: demo/),
    ]);
    const both = await ugatit(
      "translate",
      ...[
        "--model",
        "demo",
        "--checkpoint",
        "model.pt",
        "--direction",
        "A2B",
        "--input",
        SLOTH,
        "--output",
        join(dir, "x.png"),
      ],
    );
    expect([both.code, both.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/--model or --checkpoint, not both/),
    ]);
    expect(await exists(join(dir, "x.png"))).toBe(false);
  });
});

describe("ugatit translate --input DIR --output DIR", () => {
  it("gives each file the pixels a single run gives it, under the same name, heatmaps too", async () => {
    const input = join(dir, "photos");
    await mkdir(input);
    const names = ["noto-camel.png", "noto-sushi.png", "noto-princess.png"];
    await copyFile(join(DEMO_A, names[0] as string), join(input, "a.png"));
    await sharp(join(DEMO_A, names[1] as string))
      .jpeg({ quality: 90 })
      .toFile(join(input, "b.jpg"));
    await sharp(join(DEMO_A, names[2] as string))
      .webp({ lossless: true })
      .toFile(join(input, "c.WEBP"));
    await writeFile(join(input, "notes.txt"), "not an image, and not named like one: left alone");

    const r = await ugatit(
      "translate",
      ...[
        "--direction",
        "B2A",
        "--input",
        input,
        "--output",
        join(dir, "out"),
        "--heatmap",
        join(dir, "heat"),
        "--json",
      ],
    );
    expect(r.code, r.stderr).toBe(0);
    expect((await readdir(join(dir, "out"))).sort()).toEqual(["a.png", "b.jpg", "c.WEBP"]);
    expect((await readdir(join(dir, "heat"))).sort()).toEqual(["a.png", "b.png", "c.png"]);
    const reports = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { input: string; output: string });
    expect(reports.map((x) => x.output)).toEqual(
      ["a.png", "b.jpg", "c.WEBP"].map((n) => join(dir, "out", n)),
    );
    // plain lines on stderr when it is not a terminal, then the summary
    expect(r.stderr).toMatch(/^\[1\/3\] .*a\.png → .*out\/a\.png$/m);
    expect(r.stderr.trim().split("\n").at(-1)).toBe(`translated 3 of 3 images into ${join(dir, "out")}`);

    for (const name of ["a.png", "b.jpg", "c.WEBP"]) {
      const single = join(dir, `single-${name}`);
      const heatmap = join(dir, `single-heat-${name}.png`);
      const s = await ugatit(
        "translate",
        ...["--direction", "B2A", "--input", join(input, name), "--output", single, "--heatmap", heatmap],
      );
      expect(s.code, s.stderr).toBe(0);
      const [folder, alone] = [await pixels(join(dir, "out", name)), await pixels(single)];
      expect([folder.format, folder.width]).toEqual([alone.format, DEMO_MODEL_SIZE]);
      const base = name.replace(/\.\w+$/, ".png");
      const [h1, h2] = [await pixels(join(dir, "heat", base)), await pixels(heatmap)];
      expect([name, folder.data.equals(alone.data), h1.data.equals(h2.data)]).toEqual([name, true, true]);
    }
  });

  it("reports a corrupt file, skips it, translates the rest and exits 1", async () => {
    const input = join(dir, "mixed");
    await mkdir(input);
    await copyFile(SLOTH, join(input, "good.png"));
    await writeFile(join(input, "bad.png"), "this is text, not a PNG");
    const jpeg = await sharp(SLOTH).jpeg().toBuffer();
    await writeFile(join(input, "cut.jpg"), jpeg.subarray(0, jpeg.length >> 1));

    const out = join(dir, "mixed-out");
    const r = await ugatit("translate", "--direction", "A2B", "--input", input, "--output", out, "--json");
    expect(r.code).toBe(1);
    expect(await readdir(out)).toEqual(["good.png"]);
    expect(r.stderr).toMatch(/^\[1\/3\] .*bad\.png failed: .*(PNG|image)/m);
    expect(r.stderr).toMatch(/^\[2\/3\] .*cut\.jpg failed: .*truncated/im);
    expect(r.stderr.trim().split("\n").at(-1)).toBe(`translated 1 of 3 images into ${out}; 2 failed`);
    const lines = r.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(lines.map((l) => ["error" in l, String(l.input).split("/").at(-1)])).toEqual([
      [true, "bad.png"],
      [true, "cut.jpg"],
      [false, "good.png"],
    ]);
  });

  it("draws a progress bar on a terminal", async () => {
    const input = join(dir, "two");
    await mkdir(input);
    await copyFile(SLOTH, join(input, "one.png"));
    await copyFile(join(DEMO_A, "noto-camel.png"), join(input, "two.png"));
    // `script` runs the command on a pseudo-terminal, as a user's shell would
    const command = [
      process.execPath,
      CLI,
      "translate",
      "--direction",
      "A2B",
      "--input",
      input,
      "--output",
      join(dir, "two-out"),
    ]
      .map((a) => `'${a}'`)
      .join(" ");
    const { stdout } = await new Promise<{ stdout: string }>((done, fail) =>
      execFile("script", ["-qec", command, "/dev/null"], (error, out) =>
        error ? fail(error) : done({ stdout: out }),
      ),
    );
    expect(stdout).toContain("\r\x1b[2K[###############---------------] 1/2");
    expect(stdout).toContain("\r\x1b[2K[##############################] 2/2");
    expect(stdout).not.toMatch(/\[1\/2\]/);
  });

  it("refuses what cannot work before loading the model", async () => {
    const input = join(dir, "refuse");
    await mkdir(input);
    const same = await ugatit("translate", "--direction", "A2B", "--input", input, "--output", input);
    expect([same.code, same.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/--output must be another folder than --input/),
    ]);
    const stdout = await ugatit("translate", "--direction", "A2B", "--input", input, "--output", "-");
    expect([stdout.code, stdout.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/--output cannot be - with a folder --input/),
    ]);
    const empty = await ugatit(
      "translate",
      "--direction",
      "A2B",
      "--input",
      input,
      "--output",
      join(dir, "refuse-out"),
    );
    expect([empty.code, empty.stderr.trim()]).toEqual([
      1,
      expect.stringMatching(/holds no PNG, JPEG or WebP file/),
    ]);
    const toFolder = await ugatit("translate", "--direction", "A2B", "--input", SLOTH, "--output", input);
    expect([toFolder.code, toFolder.stderr.trim()]).toEqual([
      2,
      expect.stringMatching(/--output .* is a folder/),
    ]);
  });
});

describe("ugatit translate --input - --output -", () => {
  it("reads the image from stdin and writes the translation to stdout, as a file run does", async () => {
    const file = join(dir, "sloth-file.png");
    expect((await ugatit("translate", "--direction", "A2B", "--input", SLOTH, "--output", file)).code).toBe(
      0,
    );

    const png = await ugatitPiped(
      await readFile(SLOTH),
      "translate",
      "--direction",
      "A2B",
      "--input",
      "-",
      "--output",
      "-",
    );
    expect(png.code, png.stderr).toBe(0);
    expect(png.stderr).toMatch(/^-: A2B 96×96 on /); // the report goes to stderr, the image alone to stdout
    const [piped, written] = [await pixels(png.stdout), await pixels(file)];
    expect([piped.format, piped.data.equals(written.data)]).toEqual(["png", true]);

    const webp = await ugatitPiped(
      await readFile(SLOTH),
      ...["translate", "--direction", "A2B", "--input", "-", "--output", "-", "--format", "webp"],
    );
    expect([webp.code, (await pixels(webp.stdout)).format]).toEqual([0, "webp"]);
  });

  it("refuses something on stdin that is not an image, with one line", async () => {
    const r = await ugatitPiped(
      Buffer.from("hello"),
      "translate",
      "--direction",
      "A2B",
      "--input",
      "-",
      "--output",
      "-",
    );
    expect(r.code).toBe(1);
    expect(r.stdout.length).toBe(0);
    expect(r.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^ugatit translate: .*(PNG|image)/)]);
  });
});
