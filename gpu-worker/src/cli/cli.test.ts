import { copyFile, mkdir, mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { modelDomains, openWeightFile } from "@ugatit/model/checkpoints";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { readOnnxFileInfo } from "../runtime/onnx/onnx-file.ts";
import { type CliResult, translateLight64, ugatit } from "./testing.ts";

const PARITY = fileURLToPath(new URL("../../../test/fixtures/ugatit-parity/", import.meta.url));
const LIGHT = join(PARITY, "light64.pt");
const FULL = join(PARITY, "full64.pt");
const INPUT = join(PARITY, "light64_a_in.png");

/** A failure is exactly one line on stderr that says `expected`, and a non-zero exit. */
function expectOneLineError(r: CliResult, expected: RegExp, code = 1) {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trimEnd().split("\n");
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(expected);
  expect(r.stdout).toBe("");
}

/** A PNG that is only a signature and an IHDR chunk claiming width × height. */
function pngHeader(width: number, height: number): Buffer {
  const ihdr = Buffer.alloc(25);
  ihdr.writeUInt32BE(13, 0);
  ihdr.write("IHDR", 4, "latin1");
  ihdr.writeUInt32BE(width, 8);
  ihdr.writeUInt32BE(height, 12);
  ihdr.set([8, 2, 0, 0, 0], 16);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), ihdr]);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ugatit-cli-"));
});

describe("ugatit translate refuses bad input with one line", () => {
  it("a missing input file", async () => {
    expectOneLineError(
      await translateLight64("--input", join(dir, "nope.png"), "--output", join(dir, "o.png")),
      /--input .*nope\.png does not exist/,
    );
  });

  it("a file that is not an image", async () => {
    const text = join(dir, "notes.png");
    await writeFile(text, "hello, this is text");
    expectOneLineError(
      await translateLight64("--input", text, "--output", join(dir, "o.png")),
      /not a PNG, JPEG or WebP|unsupported/i,
    );
  });

  it("a truncated image", async () => {
    const bytes = await readFile(INPUT);
    const cut = join(dir, "cut.png");
    await writeFile(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
    expectOneLineError(await translateLight64("--input", cut, "--output", join(dir, "o.png")), /truncated/i);
  });

  it.each([
    [20000, 16, /side over 8192/],
    [5000, 5000, /over 16000000 pixels/],
  ])("an image whose header claims %i×%i, before decoding", async (w, h, message) => {
    const bomb = join(dir, `bomb-${w}.png`);
    await writeFile(bomb, pngHeader(w, h));
    expectOneLineError(await translateLight64("--input", bomb, "--output", join(dir, "o.png")), message);
  });

  it("an output in a folder that does not exist, and nothing is written", async () => {
    const r = await translateLight64("--input", INPUT, "--output", join(dir, "missing", "o.png"));
    expectOneLineError(r, /folder .*missing does not exist/);
  });

  it("an output format it cannot write", async () => {
    expectOneLineError(
      await translateLight64("--input", INPUT, "--output", join(dir, "o.gif")),
      /\.png, \.jpg, \.jpeg or \.webp/,
    );
  });

  it("a malformed checkpoint names the problem", async () => {
    const bad = join(dir, "bad.pt");
    await writeFile(bad, Buffer.alloc(1000, 7));
    const r = await ugatit(
      "translate",
      "--checkpoint",
      bad,
      "--direction",
      "A2B",
      "--input",
      INPUT,
      "--output",
      join(dir, "o.png"),
    );
    expectOneLineError(r, /bad\.pt: not a checkpoint/);
  });

  it("a --size that conflicts with a full model", async () => {
    const r = await ugatit(
      "translate",
      "--checkpoint",
      FULL,
      "--direction",
      "A2B",
      "--input",
      INPUT,
      "--output",
      join(dir, "o.png"),
      "--size",
      "128",
    );
    expectOneLineError(r, /--size 128 conflicts with this full model, whose input size is fixed at 64/);
  });

  it.each(["7", "30", "4096", "abc"])("a light model's --size %s", async (size) => {
    const r = await ugatit(
      "translate",
      "--checkpoint",
      LIGHT,
      "--direction",
      "A2B",
      "--input",
      INPUT,
      "--output",
      join(dir, "o.png"),
      "--size",
      size,
    );
    expectOneLineError(r, /--size must be/, size === "abc" ? 2 : 1);
  });

  it("a backend that is not installed names those that are", async () => {
    expectOneLineError(
      await translateLight64("--input", INPUT, "--output", join(dir, "o.png"), "--backend", "tfjs-node-gpu"),
      /not installed here; present: .*wasm.*cpu/,
    );
  });

  it.each([
    [["--direction", "C2D"], /--direction must be one of A2B, B2A/],
    [["--bogus"], /Unknown option '--bogus'/],
  ])("a wrong command line exits 2: %s", async (args, message) => {
    expectOneLineError(
      await translateLight64("--input", INPUT, "--output", join(dir, "o.png"), ...args),
      message,
      2,
    );
  });

  it("a missing required option exits 2", async () => {
    expectOneLineError(await ugatit("translate", "--checkpoint", LIGHT), /--direction is required/, 2);
  });

  it("an unknown command exits 2", async () => {
    expectOneLineError(await ugatit("paint"), /unknown command "paint"/, 2);
  });

  it("leaves no temporary files behind after failures", async () => {
    expect((await readdir(dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});

describe("ugatit translate", () => {
  it("resizes an input of another size and writes JPEG and WebP too", async () => {
    const big = join(dir, "big.jpg");
    await sharp(INPUT).resize(150, 110).jpeg().toFile(big);
    for (const ext of ["jpg", "webp"]) {
      const out = join(dir, `resized.${ext}`);
      const r = await translateLight64("--input", big, "--output", out, "--json");
      expect(r.code, r.stderr).toBe(0);
      const meta = await sharp(out).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual([ext === "jpg" ? "jpeg" : "webp", 64, 64]);
    }
  });
});

describe("ugatit convert and inspect", () => {
  it("converts to safetensors (fp32 and fp16) that translate like the original", async () => {
    const reference = join(dir, "ref.png");
    expect((await translateLight64("--input", INPUT, "--output", reference)).code).toBe(0);
    const expected = await sharp(reference).raw().toBuffer();
    for (const precision of ["fp32", "fp16"]) {
      const converted = join(dir, `light-${precision}.safetensors`);
      const c = await ugatit(
        "convert",
        "--checkpoint",
        LIGHT,
        "--output",
        converted,
        ...(precision === "fp16" ? ["--fp16"] : []),
      );
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout).toMatch(/A2B \+ B2A/);
      const out = join(dir, `from-${precision}.png`);
      const r = await ugatit(
        "translate",
        "--checkpoint",
        converted,
        "--direction",
        "A2B",
        "--size",
        "64",
        "--input",
        INPUT,
        "--output",
        out,
      );
      expect(r.code, r.stderr).toBe(0);
      const actual = await sharp(out).raw().toBuffer();
      let worst = 0;
      for (let i = 0; i < actual.length; i++)
        worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
      // fp32 is the same model; fp16 weights move a pixel by a few levels at most
      expect(worst).toBeLessThanOrEqual(precision === "fp32" ? 0 : 8);
    }
  });

  it("convert refuses an output that is not .safetensors or .onnx, and a direction that is not there", async () => {
    expectOneLineError(
      await ugatit("convert", "--checkpoint", LIGHT, "--output", join(dir, "x.bin")),
      /must end in \.safetensors or \.onnx/,
      2,
    );
    const one = join(dir, "a2b.safetensors");
    expect((await ugatit("convert", "--checkpoint", LIGHT, "--output", one, "--direction", "A2B")).code).toBe(
      0,
    );
    const r = await ugatit(
      "translate",
      "--checkpoint",
      one,
      "--direction",
      "B2A",
      "--input",
      INPUT,
      "--output",
      join(dir, "o.png"),
    );
    expectOneLineError(r, /no genB2A in this checkpoint/);
  });

  it("converts one generator to ONNX (fp32 and fp16) that translates like the checkpoint", async () => {
    const reference = join(dir, "onnx-ref.png");
    const direct = await translateLight64(
      "--input",
      INPUT,
      "--output",
      reference,
      "--backend",
      "onnx",
      "--json",
    );
    expect(direct.code, direct.stderr).toBe(0);
    expect(direct.stderr).toBe(""); // ONNX Runtime loads and runs the graph without a warning
    expect(JSON.parse(direct.stdout)).toMatchObject({ backend: "onnx", execution_provider: "cpu" });
    const expected = await sharp(reference).raw().toBuffer();
    for (const precision of ["fp32", "fp16"]) {
      const model = join(dir, `light-${precision}.onnx`);
      const c = await ugatit(
        "convert",
        "--checkpoint",
        LIGHT,
        "--format",
        "onnx",
        "--output",
        model,
        ...(precision === "fp16" ? ["--fp16"] : []),
      );
      expect(c.code, c.stderr).toBe(0);
      expect(c.stdout).toMatch(new RegExp(`A2B, ngf 8, 4 blocks, light, ${precision} ONNX`));
      const out = join(dir, `from-onnx-${precision}.png`);
      const r = await ugatit(
        "translate",
        "--checkpoint",
        model,
        "--direction",
        "A2B",
        "--size",
        "64",
        "--input",
        INPUT,
        "--output",
        out,
      );
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe("");
      expect(r.stdout).toMatch(/on onnx \(cpu\)/);
      const actual = await sharp(out).raw().toBuffer();
      let worst = 0;
      for (let i = 0; i < actual.length; i++)
        worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
      expect(worst).toBeLessThanOrEqual(precision === "fp32" ? 0 : 8);
    }
    const inspected = await ugatit("inspect", join(dir, "light-fp32.onnx"), "--json");
    expect(JSON.parse(inspected.stdout)).toMatchObject({
      format: "onnx",
      direction: "A2B",
      config: { ngf: 8, nBlocks: 4, light: true, imgSize: null },
      parameters: 167896,
    });
  });

  it("an ONNX model holds one direction and runs on ONNX Runtime (onnx, webgpu) only", async () => {
    const model = join(dir, "b2a.onnx");
    expectOneLineError(
      await ugatit(
        "convert",
        "--checkpoint",
        LIGHT,
        "--format",
        "onnx",
        "--output",
        model,
        "--direction",
        "both",
      ),
      /holds one generator/,
      2,
    );
    expectOneLineError(
      await ugatit(
        "convert",
        "--checkpoint",
        LIGHT,
        "--format",
        "onnx",
        "--output",
        join(dir, "x.safetensors"),
      ),
      /must end in \.onnx for --format onnx/,
      2,
    );
    const c = await ugatit("convert", "--checkpoint", LIGHT, "--output", model, "--direction", "B2A");
    expect(c.code, c.stderr).toBe(0);
    const run = (...extra: string[]) =>
      ugatit("translate", "--checkpoint", model, "--input", INPUT, "--output", join(dir, "o.png"), ...extra);
    expectOneLineError(await run("--direction", "A2B"), /b2a\.onnx holds the B2A generator, not A2B/);
    expectOneLineError(
      await run("--direction", "B2A", "--backend", "wasm"),
      /b2a\.onnx is an ONNX model: it runs on the onnx or webgpu backend, not wasm/,
    );
    const notOnnx = join(dir, "text.onnx");
    await writeFile(notOnnx, "hello");
    expectOneLineError(
      await ugatit(
        "translate",
        "--checkpoint",
        notOnnx,
        "--direction",
        "A2B",
        "--input",
        INPUT,
        "--output",
        join(dir, "o.png"),
      ),
      /text\.onnx: not (an ONNX model|a U-GAT-IT generator)/,
    );
  });

  it("keeps the demo model's domain names, to safetensors and to ONNX", async () => {
    const demo = fileURLToPath(new URL("../../../models/demo/emoji-light.safetensors", import.meta.url));
    const domains = { A: "colour emoji", B: "line-art emoji" };
    const safetensors = join(dir, "demo.safetensors");
    const onnx = join(dir, "demo-b2a.onnx");
    expect((await ugatit("convert", "--checkpoint", demo, "--output", safetensors, "--fp16")).code).toBe(0);
    const c = await ugatit("convert", "--checkpoint", demo, "--output", onnx, "--direction", "B2A");
    expect(c.code, c.stderr).toBe(0);
    const file = await openWeightFile(safetensors);
    try {
      expect(modelDomains(file)).toEqual(domains);
    } finally {
      await file.close();
    }
    expect((await readOnnxFileInfo(onnx)).domains).toEqual(domains);
  });

  it("inspect shows the configuration, parameter counts and tensors", async () => {
    const r = await ugatit("inspect", FULL, "--json");
    expect(r.code, r.stderr).toBe(0);
    const report = JSON.parse(r.stdout) as {
      format: string;
      networks: { name: string; config: Record<string, unknown> }[];
      tensors: unknown[];
    };
    expect(report.format).toBe("torch-zip");
    expect(report.networks.map((n) => n.name)).toEqual([
      "genA2B",
      "genB2A",
      "disGA",
      "disGB",
      "disLA",
      "disLB",
    ]);
    expect(report.networks[0]?.config).toEqual({ ngf: 8, nBlocks: 4, light: false, imgSize: 64 });
    expect(report.networks[2]?.config).toEqual({ ndf: 8, nLayers: 7 });
    const text = await ugatit("inspect", LIGHT);
    expect(text.stdout).toMatch(/genA2B: generator, ngf 8, 4 blocks, light, 167,896 parameters/);
    expect(text.stdout).toMatch(/DownBlock\.1\.weight \[8, 3, 7, 7\] float32/);
  });
});

describe("ugatit convert --quantize int8", () => {
  const DEMO = fileURLToPath(new URL("../../../models/demo/emoji-light.safetensors", import.meta.url));
  const HELD_OUT = fileURLToPath(new URL("../../../test/fixtures/demo-check/testA/", import.meta.url));
  const quantize = (output: string, ...extra: string[]) =>
    ugatit("convert", "--checkpoint", DEMO, "--output", output, "--quantize", "int8", ...extra);

  it("writes an int8 model that inspect names and the onnx backend translates", async () => {
    const calibration = join(dir, "calibration");
    await mkdir(calibration);
    for (const name of (await readdir(HELD_OUT)).slice(0, 4))
      await copyFile(join(HELD_OUT, name), join(calibration, name));
    await writeFile(join(calibration, "notes.txt"), "not an image, ignored");
    const model = join(dir, "demo-int8.onnx");
    const c = await quantize(model, "--calibration", calibration, "--size", "96");
    expect(c.code, c.stderr).toBe(0);
    expect(c.stdout).toMatch(/int8 ONNX/);
    // its own error against float32, on the images it has: finite (not float32 against itself), within the targets
    const error = c.stderr.match(
      /^int8 against float32 on 4 of the 4 calibration images at 96²: ([\d.]+) dB PSNR, CAM logits within ([\d.]+) %\n$/,
    );
    expect(error, c.stderr).not.toBeNull();
    expect(Number(error![1])).toBeGreaterThan(30);
    expect(Number(error![1])).toBeLessThan(80);
    expect(Number(error![2])).toBeLessThanOrEqual(2);
    const inspected = await ugatit("inspect", model, "--json");
    expect(JSON.parse(inspected.stdout)).toMatchObject({ format: "onnx", quantization: "int8" });
    expect((await ugatit("inspect", model)).stdout).toMatch(/onnx, int8 convolutions\n/);
    const input = join(HELD_OUT, (await readdir(HELD_OUT))[0] as string);
    const r = await ugatit(
      "translate",
      "--checkpoint",
      model,
      "--direction",
      "A2B",
      "--input",
      input,
      "--output",
      join(dir, "int8.png"),
      "--size",
      "96",
    );
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/on onnx \(cpu\)/);
  });

  it("refuses a missing or wrong calibration folder, and options that do not go together", async () => {
    const out = join(dir, "refused.onnx");
    expectOneLineError(await quantize(out), /--calibration is required/, 2);
    expectOneLineError(
      await quantize(out, "--calibration", join(dir, "nope")),
      /--calibration .*nope does not exist/,
    );
    expectOneLineError(await quantize(out, "--calibration", DEMO), /is a file, not a folder/);
    const empty = join(dir, "empty-calibration");
    await mkdir(empty);
    expectOneLineError(await quantize(out, "--calibration", empty), /holds no \.png, \.jpg or \.webp images/);
    expectOneLineError(await quantize(out, "--calibration", empty, "--fp16"), /exclude each other/, 2);
    expectOneLineError(await quantize(out, "--quantize", "int4"), /--quantize must be one of int8/, 2);
    expectOneLineError(
      await ugatit("convert", "--checkpoint", DEMO, "--output", out, "--calibration", empty),
      /--calibration goes with --quantize int8/,
      2,
    );
    expect(await readdir(dir)).not.toContain("refused.onnx");
  });
});
