/**
 * @module The cost of framing on a 1-megapixel photo (1280×800): decoding, finding the face box (the tiny
 * face detector on ONNX Runtime, one thread), and pasting a translation back; a faceless photo pays for
 * both detector passes before it is refused.
 */
import sharp from "sharp";
import { sharedFaceDetector } from "../../gpu-worker/src/faces/face-detector.ts";
import { frameBox, NoFaceError } from "../../gpu-worker/src/framing/frame-image.ts";
import { pasteBack } from "../../gpu-worker/src/framing/paste-back.ts";
import { decodeImage } from "../../gpu-worker/src/image/index.ts";
import type { RgbImage } from "../../gpu-worker/src/runtime/translator.ts";

export interface FramingBenchResult {
  step: string;
  medianMs: number;
  minMs: number;
  runs: number;
}

const FACES = "test/fixtures/faces/";
const [WIDTH, HEIGHT] = [1280, 800];

/** The portrait on a tiled background of the faceless photo, or that background alone. */
async function photo(withFace: boolean): Promise<Uint8Array> {
  const background = await sharp({
    create: { width: WIDTH, height: HEIGHT, channels: 3, background: "#808080" },
  })
    .composite([{ input: `${FACES}fruits.jpg`, tile: true }])
    .png()
    .toBuffer();
  const face = await sharp(`${FACES}astronaut.jpg`).resize(700, 700).toBuffer();
  return sharp(background)
    .composite(withFace ? [{ input: face, left: 300, top: 100 }] : [])
    .jpeg({ quality: 90 })
    .toBuffer();
}

async function time(step: string, runs: number, work: () => Promise<unknown>): Promise<FramingBenchResult> {
  await work();
  const ms: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = performance.now();
    await work();
    ms.push(performance.now() - started);
  }
  ms.sort((a, b) => a - b);
  const round = (v: number) => Math.round(v * 10) / 10;
  return { step, medianMs: round(ms[Math.floor(runs / 2)]!), minMs: round(ms[0]!), runs };
}

export async function benchFraming(runs: number): Promise<FramingBenchResult[]> {
  const [withFace, faceless] = await Promise.all([photo(true), photo(false)]);
  const decode = (bytes: Uint8Array) => decodeImage(bytes, {}, { orient: true });
  const [image, empty] = await Promise.all([decode(withFace), decode(faceless)]);
  const detector = await sharedFaceDetector();
  const box = await frameBox(image, "face", sharedFaceDetector);
  const translated: RgbImage = { width: 256, height: 256, data: new Uint8Array(256 * 256 * 3).fill(128) };
  return [
    await time("decode (JPEG, EXIF orientation)", runs, () => decode(withFace)),
    await time("detect, 416 pass (face found)", runs, () => detector.detect(image, { side: 416 })),
    await time("face box (face mode, all it adds)", runs, () => frameBox(image, "face", sharedFaceDetector)),
    await time("no face: 416 + 832 passes, refused", runs, () =>
      frameBox(empty, "face", sharedFaceDetector).catch((error: unknown) => {
        if (!(error instanceof NoFaceError)) throw error;
      }),
    ),
    await time("paste back (compose paste)", runs, () => pasteBack(image, translated, box)),
  ];
}

export function framingTable(results: FramingBenchResult[]): string {
  return [
    "| step | median ms | min ms | runs |",
    "| --- | ---: | ---: | ---: |",
    ...results.map((r) => `| ${r.step} | ${r.medianMs} | ${r.minMs} | ${r.runs} |`),
  ].join("\n");
}
