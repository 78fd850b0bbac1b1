/** @module The signed API's bodies are small: anything larger is refused before it is read. */
import { bodyLimit } from "hono/body-limit";
import { problems } from "../problems/problems.ts";

export const MAX_BODY_BYTES = 64 * 1024;

export function smallBody() {
  return bodyLimit({
    maxSize: MAX_BODY_BYTES,
    onError: () => {
      throw problems.tooLarge(MAX_BODY_BYTES);
    },
  });
}
