import { describe } from "vitest";
import { resizeBilinear } from "./resize.ts";
import { itResizesAs } from "./testing.ts";

describe("resizeBilinear", () => {
  itResizesAs("PIL", "resize_reference.json", resizeBilinear);
});
