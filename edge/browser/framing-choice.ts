/** @module The page's framing and result choices, read from their menus as the API's values. */
import type { Compose, Framing } from "@ugatit/contracts/protocol";

const FRAMINGS: readonly string[] = ["fit", "center", "face"] satisfies Framing[];

/** The framing chosen, or undefined for the model's own default (the menu's empty option). */
export function chosenFraming(value: string): Framing | undefined {
  return FRAMINGS.includes(value) ? (value as Framing) : undefined;
}

/** `paste` puts the translation back into the whole photo; anything else returns the translated square. */
export function chosenCompose(value: string): Compose {
  return value === "paste" ? "paste" : "crop";
}
