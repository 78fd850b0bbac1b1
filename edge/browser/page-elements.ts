/// <reference lib="dom" />
/** @module The demo page's elements, looked up once by id and checked to be of the kind the code uses. */

function byId<T extends HTMLElement>(id: string, kind: { new (): T; name: string }): T {
  const element = document.getElementById(id);
  if (!(element instanceof kind)) throw new Error(`the demo page has no ${kind.name} #${id}`);
  return element;
}

/** Every element the page's script touches (the HTML shell is edge/src/demo/demo-page.ts). */
export function pageElements() {
  return {
    about: byId("about", HTMLParagraphElement),
    form: byId("form", HTMLFormElement),
    drop: byId("drop", HTMLDivElement),
    dropLabel: byId("drop-label", HTMLSpanElement),
    file: byId("file", HTMLInputElement),
    samples: byId("samples", HTMLDivElement),
    direction: byId("direction", HTMLSelectElement),
    model: byId("model", HTMLSelectElement),
    framing: byId("framing", HTMLSelectElement),
    compose: byId("compose", HTMLSelectElement),
    key: byId("key", HTMLInputElement),
    go: byId("go", HTMLButtonElement),
    goBrowser: byId("go-browser", HTMLButtonElement),
    status: byId("status", HTMLSpanElement),
    progress: byId("progress", HTMLProgressElement),
    error: byId("error", HTMLDivElement),
    results: byId("results", HTMLDivElement),
    inputImg: byId("input-img", HTMLImageElement),
    outputImg: byId("output-img", HTMLImageElement),
    heatmapImg: byId("heatmap-img", HTMLImageElement),
    meta: byId("meta", HTMLDivElement),
  };
}

export type PageElements = ReturnType<typeof pageElements>;
