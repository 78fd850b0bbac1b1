import { describe, expect, it } from "vitest";
import { readReference } from "../../../../test/helpers/image-reference.ts";
import { modelOutputToRgb, modelOutputToRgbTf, rgbToModelInput, rgbToModelInputTf } from "./tensor.ts";

const reference = readReference<{ modelInputOfByte: number[]; modelOutput: number[]; savedBytes: number[] }>(
  "tensor_reference.json",
);

describe("rgbToModelInput", () => {
  it("gives the float32 values of the official ToTensor + Normalize(0.5, 0.5) for every byte", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, i) => i);
    const input = rgbToModelInput(Uint8Array.from([...bytes, 0, 0]), 86, 1);
    expect([...input.subarray(0, 256)]).toEqual(reference.modelInputOfByte);
  });

  it("maps 0 to -1 and 255 to 1", () => {
    expect([...rgbToModelInput(Uint8Array.from([0, 255, 0]), 1, 1)]).toEqual([-1, 1, -1]);
  });

  it("refuses a buffer that does not hold width × height RGB pixels", () => {
    expect(() => rgbToModelInput(new Uint8Array(5), 1, 1)).toThrow(RangeError);
  });
});

describe("modelOutputToRgb", () => {
  it("gives the bytes the official code saves, ties and out-of-range values included", () => {
    const out = modelOutputToRgb(Float32Array.from(reference.modelOutput));
    expect([...out]).toEqual(reference.savedBytes);
  });

  it("round-trips every byte through rgbToModelInput", () => {
    const bytes = Uint8Array.from({ length: 258 }, (_, i) => i % 256);
    expect(modelOutputToRgb(rgbToModelInput(bytes, 86, 1))).toEqual(bytes);
  });
});

const tfReference = readReference<{
  modelInputOfByte: number[];
  modelOutput: number[];
  savedBytes: number[];
}>("tf_tensor_reference.json");

describe("the official TF test path", () => {
  it("rgbToModelInputTf gives utils.load_test_data's float32 values for every byte", () => {
    const bytes = Uint8Array.from({ length: 258 }, (_, i) => i % 256);
    const input = rgbToModelInputTf(bytes, 86, 1);
    expect([...input.subarray(0, 256)]).toEqual(tfReference.modelInputOfByte);
  });

  it("modelOutputToRgbTf truncates as utils.save_images does, next to every level too", () => {
    const out = modelOutputToRgbTf(Float32Array.from(tfReference.modelOutput));
    expect([...out]).toEqual(tfReference.savedBytes);
  });

  it("truncates where the PyTorch path rounds", () => {
    const y = Float32Array.of(2 * (100.75 / 255) - 1); // 100.75 once scaled back
    expect([modelOutputToRgbTf(y)[0], modelOutputToRgb(y)[0]]).toEqual([100, 101]);
  });
});
