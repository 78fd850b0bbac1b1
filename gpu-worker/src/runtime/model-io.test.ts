import sharp from "sharp";
import { describe, expect, it } from "vitest";
import { readReference } from "../../../test/helpers/image-reference.ts";
import { decodeImage } from "../image/index.ts";
import { toModelBatch, upright } from "./model-io.ts";

const { cases } = readReference<{ cases: { name: string; file: string }[] }>("decode_reference.json");
const rotated = Buffer.from(cases.find((c) => c.name === "exif_rotated.jpg")!.file, "base64");

describe("EXIF orientation", () => {
  it("is reported on decoding while not applied, and applied for TF models only, as cv2.imread and PIL do", async () => {
    const decoded = await decodeImage(rotated);
    expect(decoded.orientation).toBe(6);
    expect(upright(decoded, "pytorch")).toBe(decoded);
    const { data, info } = await sharp(rotated)
      .rotate()
      .removeAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    const turned = upright(decoded, "tensorflow");
    expect([turned.width, turned.height]).toEqual([info.width, info.height]);
    expect(Buffer.from(turned.data).equals(data)).toBe(true);
    const oriented = await decodeImage(rotated, {}, { orient: true });
    expect(oriented.orientation).toBe(1);
    expect(upright(oriented, "tensorflow")).toBe(oriented);
  });

  it("turns a TF model's input upright before resizing it", async () => {
    const decoded = await decodeImage(rotated);
    const oriented = await decodeImage(rotated, {}, { orient: true });
    expect(toModelBatch([decoded], 16, "tensorflow")).toEqual(toModelBatch([oriented], 16, "tensorflow"));
    expect(toModelBatch([decoded], 16, "pytorch")).not.toEqual(toModelBatch([oriented], 16, "pytorch"));
  });
});
