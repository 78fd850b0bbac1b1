/** Framing on real photos (test/fixtures/faces, hand-labelled): the real detector, real decoding, synthetic moves and scales. */
import { readFileSync } from "node:fs";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { type Face, FaceDetector, iou } from "../faces/face-detector.ts";
import { decodeImage } from "../image/index.ts";
import type { RgbImage } from "../runtime/translator.ts";
import { largestFace } from "./frame-box.ts";
import { frameBox, frameImage, NoFaceError } from "./frame-image.ts";
import { pasteBack } from "./paste-back.ts";

const FACES = new URL("../../../test/fixtures/faces/", import.meta.url);
const Box = z.tuple([z.number(), z.number(), z.number(), z.number()]);
const LABELS = z
  .record(z.string(), z.object({ width: z.number(), height: z.number(), faces: z.array(Box) }))
  .parse(JSON.parse(readFileSync(new URL("faces.json", FACES), "utf8")));
const PORTRAIT = LABELS["astronaut.jpg"]!.faces[0]!;

let detector: FaceDetector;
const detectors = () => Promise.resolve(detector);
beforeAll(async () => {
  detector = await FaceDetector.create();
});

const photo = (name: string) => readFileSync(new URL(name, FACES));
const decode = (bytes: Uint8Array) => decodeImage(bytes, {}, { orient: true });
const contains = (outer: Face["box"], inner: Face["box"]) =>
  inner[0] >= outer[0] &&
  inner[1] >= outer[1] &&
  inner[0] + inner[2] <= outer[0] + outer[2] &&
  inner[1] + inner[3] <= outer[1] + outer[3];
const moved = ([x, y, w, h]: Face["box"], scale: number, dx: number, dy: number): Face["box"] => [
  x * scale + dx,
  y * scale + dy,
  w * scale,
  h * scale,
];

/** Real photos placed on a background (the faceless fruits photo, tiled): a JPEG, as users send. */
async function scene(
  width: number,
  height: number,
  parts: { name: string; scale: number; left: number; top: number; mirror?: boolean }[],
): Promise<Uint8Array> {
  const layers = await Promise.all(
    parts.map(async ({ name, scale, left, top, mirror = false }) => {
      const { width: w, height: h } = LABELS[name]!;
      const input = await sharp(photo(name))
        .flop(mirror)
        .resize(Math.round(w * scale), Math.round(h * scale))
        .toBuffer();
      return { input, left, top };
    }),
  );
  const background = await sharp({ create: { width, height, channels: 3, background: "#808080" } })
    .composite([{ input: photo("fruits.jpg"), tile: true }])
    .png()
    .toBuffer();
  return sharp(background).composite(layers).jpeg({ quality: 90 }).toBuffer();
}

describe("the face detector on real photos", () => {
  it.each(["astronaut.jpg", "camera.jpg", "messi.jpg", "basketball.jpg"])(
    "finds the labelled face in %s",
    async (name) => {
      const best = largestFace(await detector.find(await decode(photo(name))));
      expect(best).toBeDefined();
      expect(iou(best!.box, LABELS[name]!.faces[0]!)).toBeGreaterThan(0.4);
    },
  );

  it("finds none in a photo of fruit", async () => {
    expect(await detector.find(await decode(photo("fruits.jpg")))).toEqual([]);
  });
});

describe("face framing", () => {
  it("takes a square that holds the whole face, about twice its height, the face in the middle", async () => {
    const image = await decode(photo("camera.jpg"));
    const box = await frameBox(image, "face", detectors);
    const face = LABELS["camera.jpg"]!.faces[0]!;
    expect(box[2]).toBe(box[3]);
    expect(contains(box, face)).toBe(true);
    expect(box[2] / face[3]).toBeGreaterThan(1.8);
    expect(box[2] / face[3]).toBeLessThan(3);
    expect(Math.abs(box[0] + box[2] / 2 - (face[0] + face[2] / 2))).toBeLessThan(0.1 * box[2]);
  });

  it("shifts the square inside the photo at a border rather than padding it", async () => {
    // The astronaut's hair touches the top: the square would start above the photo.
    const box = await frameBox(await decode(photo("astronaut.jpg")), "face", detectors);
    expect(box[1]).toBe(0);
    expect(contains(box, PORTRAIT)).toBe(true);
  });

  it("follows the face when the photo is moved and scaled", async () => {
    const placements = [
      { scale: 1, left: 300, top: 250 },
      { scale: 0.8, left: 850, top: 80 },
      { scale: 1.5, left: 60, top: 200 },
    ];
    const relative: Face["box"][] = [];
    for (const p of placements) {
      const image = await decode(await scene(1400, 1000, [{ name: "astronaut.jpg", ...p }]));
      const box = await frameBox(image, "face", detectors);
      expect(contains(box, moved(PORTRAIT, p.scale, p.left, p.top))).toBe(true);
      // Back in the unmoved, unscaled photo's pixels, every placement's box is the same one.
      relative.push(moved(box, 1 / p.scale, -p.left / p.scale, -p.top / p.scale));
    }
    for (const box of relative.slice(1)) expect(iou(box, relative[0]!)).toBeGreaterThan(0.8);
  });

  it.each([
    ["left", 1.4, 0.8],
    ["right", 0.8, 1.4],
  ])("takes the largest of several faces (the %s one)", async (_, leftScale, rightScale) => {
    const [left, right] = [
      { name: "astronaut.jpg", scale: leftScale, left: 40, top: 100 },
      { name: "astronaut.jpg", scale: rightScale, left: 900, top: 60, mirror: true },
    ];
    const image = await decode(await scene(1700, 1000, [left, right]));
    const mirrored: Face["box"] = [512 - PORTRAIT[0] - PORTRAIT[2], PORTRAIT[1], PORTRAIT[2], PORTRAIT[3]];
    const faces = [moved(PORTRAIT, leftScale, 40, 100), moved(mirrored, rightScale, 900, 60)];
    // Both faces are there to be found, and the framing takes the larger.
    const found = await detector.detect(image, { side: 832 });
    for (const face of faces) expect(found.some((f) => iou(f.box, face) > 0.3)).toBe(true);
    const [larger, smaller] = leftScale > rightScale ? faces : faces.toReversed();
    const box = await frameBox(image, "face", detectors);
    expect(contains(box, larger!)).toBe(true);
    expect(iou(box, smaller!)).toBe(0);
  });

  it("finds a small face in a large photo (a twentieth of its width)", async () => {
    const image = await decode(
      await scene(2000, 1500, [{ name: "astronaut.jpg", scale: 1, left: 1300, top: 800 }]),
    );
    const box = await frameBox(image, "face", detectors);
    expect(contains(box, moved(PORTRAIT, 1, 1300, 800))).toBe(true);
    expect(box[2]).toBeLessThan(300);
  });

  it("frames a photo 20× the model's input side (5120 pixels wide)", async () => {
    const bytes = await scene(5120, 3072, [{ name: "astronaut.jpg", scale: 5, left: 2000, top: 400 }]);
    const { box, frame } = await frameImage(await decode(bytes), "face", 256, detectors);
    expect(contains(box, moved(PORTRAIT, 5, 2000, 400))).toBe(true);
    expect([frame.width, frame.height, frame.data.length]).toEqual([256, 256, 256 * 256 * 3]);
  });

  it("reports the box in the upright photo's pixels when EXIF says to turn it", async () => {
    const upright = photo("camera.jpg");
    // Stored turned a quarter anticlockwise, tagged "rotate 90° clockwise to display" (orientation 6).
    const turned = await sharp(upright)
      .rotate(270)
      .withMetadata({ orientation: 6 })
      .jpeg({ quality: 95 })
      .toBuffer();
    const image = await decode(turned);
    expect([image.width, image.height]).toEqual([512, 512]);
    const box = await frameBox(image, "face", detectors);
    expect(contains(box, LABELS["camera.jpg"]!.faces[0]!)).toBe(true);
    expect(iou(box, await frameBox(await decode(upright), "face", detectors))).toBeGreaterThan(0.9);
    const wide = await sharp(upright)
      .resize(400, 300, { fit: "fill" })
      .rotate(270)
      .withMetadata({ orientation: 6 })
      .toBuffer();
    expect(await decode(wide)).toMatchObject({ width: 400, height: 300 });
  });

  it("refuses a photo without a face", async () => {
    await expect(frameBox(await decode(photo("fruits.jpg")), "face", detectors)).rejects.toBeInstanceOf(
      NoFaceError,
    );
  });

  it("takes the whole photo for fit and the centred square for center, with no detector", async () => {
    const image = await decode(photo("messi.jpg"));
    const none = () => Promise.reject(new Error("no detector wanted"));
    expect(await frameBox(image, "fit", none)).toEqual([0, 0, 548, 342]);
    expect(await frameBox(image, "center", none)).toEqual([103, 0, 342, 342]);
  });
});

describe("pasting back", () => {
  const solid = (side: number, rgb: [number, number, number]): RgbImage => ({
    width: side,
    height: side,
    data: Uint8Array.from({ length: side * side * 3 }, (_, i) => rgb[i % 3]!),
  });
  const pixel = (image: RgbImage, x: number, y: number) => [
    ...image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3),
  ];

  it("gives the whole photo back at its size, the translation in the box, feathered, the rest untouched", async () => {
    const image = await decode(photo("messi.jpg"));
    const box = await frameBox(image, "face", detectors);
    const pasted = await pasteBack(image, solid(256, [255, 0, 255]), box);
    expect([pasted.width, pasted.height]).toEqual([548, 342]);
    const [x, y, w, h] = box;
    let changedOutside = 0;
    for (let py = 0; py < image.height; py++)
      for (let px = 0; px < image.width; px++)
        if (px < x || py < y || px >= x + w || py >= y + h)
          if (pixel(pasted, px, py).join() !== pixel(image, px, py).join()) changedOutside++;
    expect(changedOutside).toBe(0);
    expect(pixel(pasted, x + w / 2, y + h / 2)).toEqual([255, 0, 255]);
    // On the box's inner edge the photo still shows through; a step inside the band, less of it.
    const edge = pixel(pasted, x + Math.round(w / 2), y + h - 1);
    const under = pixel(image, x + Math.round(w / 2), y + h - 1);
    expect(edge).not.toEqual([255, 0, 255]);
    expect(Math.abs(edge[1]! - under[1]!)).toBeLessThan(20);
  });

  it("needs no feather where the box meets the photo's border", async () => {
    const image = await decode(photo("astronaut.jpg"));
    const pasted = await pasteBack(image, solid(256, [0, 255, 0]), [100, 0, 200, 200]);
    expect(pixel(pasted, 200, 0)).toEqual([0, 255, 0]);
  });
});
