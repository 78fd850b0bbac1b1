/// <reference lib="dom" />
/**
 * @module The input, translation and heatmap pictures, and the line about how they were made. A picture's
 * frame shows only once its image has loaded: no empty frames or broken-image placeholders before a
 * result exists.
 */

/** The figure around an image: what is shown or hidden. */
function frameOf(img: HTMLImageElement): HTMLElement {
  return img.closest("figure") ?? img;
}

export class ResultView {
  constructor(
    private readonly elements: {
      results: HTMLElement;
      inputImg: HTMLImageElement;
      outputImg: HTMLImageElement;
      heatmapImg: HTMLImageElement;
      meta: HTMLElement;
    },
  ) {
    for (const img of this.images()) {
      frameOf(img).hidden = true;
      img.addEventListener("load", () => this.reveal(img));
      img.addEventListener("error", () => this.clear(img));
    }
    elements.results.hidden = true;
  }

  showInput(file: Blob): void {
    this.clear(this.elements.inputImg);
    this.elements.inputImg.src = URL.createObjectURL(file);
  }

  /** Forgets the last translation while a new one runs. */
  startOver(): void {
    this.clear(this.elements.outputImg);
    this.clear(this.elements.heatmapImg);
    this.elements.meta.textContent = "";
  }

  /** The translation's image and heatmap (presigned or object URLs), and how they were made. */
  showResult(imageUrl: string, heatmapUrl: string | null, meta: string): void {
    this.elements.outputImg.src = imageUrl;
    if (heatmapUrl) this.elements.heatmapImg.src = heatmapUrl;
    this.elements.meta.textContent = meta;
  }

  private images(): HTMLImageElement[] {
    return [this.elements.inputImg, this.elements.outputImg, this.elements.heatmapImg];
  }

  private reveal(img: HTMLImageElement): void {
    frameOf(img).hidden = false;
    this.elements.results.hidden = false;
  }

  /** Hides the picture and lets go of its object URL. */
  private clear(img: HTMLImageElement): void {
    const src = img.getAttribute("src");
    if (src?.startsWith("blob:")) URL.revokeObjectURL(src);
    img.removeAttribute("src");
    frameOf(img).hidden = true;
    this.elements.results.hidden = this.images().every((i) => frameOf(i).hidden);
  }
}
