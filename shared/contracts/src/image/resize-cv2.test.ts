import { describe, expect, it } from "vitest";
import { resizeBilinearCv2 } from "./resize-cv2.ts";
import { itResizesAs } from "./testing.ts";

/** A one-row grey image as RGB. */
const greyRow = (values: number[]) => Uint8Array.from(values.flatMap((v) => [v, v, v]));

describe("resizeBilinearCv2", () => {
  itResizesAs("cv2.resize", "resize_cv2_reference.json", resizeBilinearCv2);

  it("reads two pixels per output when shrinking by 3, without averaging the others in", () => {
    // output centres fall on input pixels 1 and 4 exactly
    expect(resizeBilinearCv2(greyRow([0, 10, 20, 30, 40, 50]), 6, 1, 2, 1)).toEqual(greyRow([10, 40]));
  });

  it("uses half-pixel centres and repeats the edge when enlarging", () => {
    // centres at −0.25, 0.25, 0.75, 1.25: the edge, ¾·0 + ¼·100, ¼·0 + ¾·100, the edge
    expect(resizeBilinearCv2(greyRow([0, 100]), 2, 1, 4, 1)).toEqual(greyRow([0, 25, 75, 100]));
  });
});
