/** How a folder run reports: a bar redrawn in place on a terminal, one plain line per image otherwise. */
export interface Progress {
  /** One image finished: its output, or the reason it failed. */
  step(input: string, outcome: { output: string } | { error: string }): void;
  /** Ends the bar's line, so what follows starts on its own. */
  finish(): void;
}

const BAR_WIDTH = 30;

export function progress(total: number, stream: NodeJS.WriteStream = process.stderr): Progress {
  let done = 0;
  if (!stream.isTTY) {
    return {
      step(input, outcome) {
        done += 1;
        const what = "output" in outcome ? `→ ${outcome.output}` : `failed: ${outcome.error}`;
        stream.write(`[${done}/${total}] ${input} ${what}\n`);
      },
      finish() {},
    };
  }
  const draw = (current: string) => {
    const filled = Math.round((BAR_WIDTH * done) / total);
    // \r and erase-line: the bar is redrawn in place
    stream.write(
      `\r\x1b[2K[${"#".repeat(filled)}${"-".repeat(BAR_WIDTH - filled)}] ${done}/${total} ${current}`,
    );
  };
  draw("");
  return {
    step(input, outcome) {
      done += 1;
      if ("error" in outcome) stream.write(`\r\x1b[2K${input}: failed: ${outcome.error}\n`);
      draw(input);
    },
    finish() {
      stream.write("\n");
    },
  };
}
