/// <reference lib="dom" />
/** @module The line under the buttons: what is happening, how far along, and what went wrong. */

export class StatusView {
  constructor(
    private readonly elements: { status: HTMLElement; progress: HTMLProgressElement; error: HTMLElement },
  ) {}

  say(text: string): void {
    this.elements.status.textContent = text;
  }

  /** A fraction 0..1 shows the bar; undefined hides it. */
  progress(fraction: number | undefined): void {
    const { progress } = this.elements;
    progress.hidden = fraction === undefined;
    progress.value = fraction === undefined ? 0 : 100 * fraction;
  }

  fail(message: string): void {
    this.elements.error.textContent = message;
    this.elements.status.textContent = "";
  }

  clearError(): void {
    this.elements.error.textContent = "";
  }
}
