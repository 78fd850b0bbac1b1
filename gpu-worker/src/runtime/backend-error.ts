/** A backend that is unknown, not installed, or failed to start: one line for the user. */
export class BackendError extends Error {
  override name = "BackendError";
}
