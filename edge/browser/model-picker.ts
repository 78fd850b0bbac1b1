/// <reference lib="dom" />
/**
 * @module The model and direction menus and the sentence above the form that says what the chosen model
 * does, from `GET /v1/models` (its domains' names where the model file names them).
 */
import { DIRECTIONS, type Direction, isDirection } from "@ugatit/contracts/directions";
import type { ModelList } from "../src/models/schemas.ts";
import { readableError } from "./api-errors.ts";
import { directionLabel, modelSummary } from "./domain-wording.ts";

export type ListedModel = ModelList["models"][number];

export class ModelPicker {
  private models: ListedModel[] = [];
  private readonly listeners: (() => void)[] = [];

  constructor(
    private readonly elements: { model: HTMLSelectElement; direction: HTMLSelectElement; about: HTMLElement },
  ) {
    elements.model.addEventListener("change", () => this.update());
    elements.direction.addEventListener("change", () => this.changed());
  }

  /** Lists the models the key may see; the menus keep what was chosen where it still exists. */
  async load(headers: Record<string, string>): Promise<void> {
    const answer = await fetch("/v1/models", { headers });
    if (!answer.ok) {
      this.models = [];
      this.elements.about.textContent = `The models could not be listed: ${await readableError(answer)}`;
    } else {
      this.models = ((await answer.json()) as ModelList).models;
    }
    const { model } = this.elements;
    const chosen = model.value;
    model.replaceChildren(new Option("default", ""));
    for (const m of this.models) {
      const notes = [m.untrained ? "untrained" : "", m.light ? "" : "full"].filter(Boolean);
      model.append(new Option(`${m.id}${notes.length ? ` (${notes.join(", ")})` : ""}`, m.id));
    }
    model.value = this.models.some((m) => m.id === chosen) ? chosen : "";
    this.update(answer.ok);
  }

  /** The model a translation would use: the one chosen, else the default. */
  selected(): ListedModel | undefined {
    const id = this.elements.model.value;
    return this.models.find((m) => (id ? m.id === id : m.default));
  }

  /** The model named in a translation request: undefined for the service's default. */
  requested(): string | undefined {
    return this.elements.model.value || undefined;
  }

  direction(): Direction {
    const { value } = this.elements.direction;
    return isDirection(value) ? value : DIRECTIONS[0];
  }

  /** Chooses `direction` if the model has it; says whether it does. */
  choose(direction: Direction): boolean {
    const has = Array.from(this.elements.direction.options).some((o) => o.value === direction);
    if (has) {
      this.elements.direction.value = direction;
      this.changed();
    }
    return has;
  }

  /** Runs `listener` whenever the model or the direction changes. */
  onChange(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** The direction menu in the chosen model's words, and the sentence about it. */
  private update(listed = true): void {
    const model = this.selected();
    const directions = model?.directions ?? DIRECTIONS;
    const { direction } = this.elements;
    const chosen = direction.value;
    direction.replaceChildren(
      ...directions.map((d) => new Option(directionLabel(d, model?.domains ?? null), d)),
    );
    direction.value = directions.some((d) => d === chosen) ? chosen : (directions[0] ?? "");
    if (listed) {
      this.elements.about.textContent = model
        ? modelSummary(model)
        : "The service lists no model to translate with.";
    }
    this.changed();
  }

  private changed(): void {
    for (const listener of this.listeners) listener();
  }
}
