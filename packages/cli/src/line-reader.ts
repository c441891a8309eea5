import { type Completer, createInterface, type Interface } from "node:readline";

export interface LineReaderOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** Tab completion, for a terminal. */
  completer?: Completer;
  /** Lines kept for the up arrow, for a terminal (readline's default otherwise). */
  historySize?: number;
}

/**
 * Reads the lines of a conversation (prompt, answer, prompt…) through one readline, so
 * answers typed or piped ahead of their prompt are kept for it, not lost with a reader
 * that was closed; on a terminal the line is editable, with history and completion.
 */
export class LineReader {
  readonly #readline: Interface;
  readonly #lines: string[] = [];
  #waiting: ((line: string | undefined) => void) | undefined;
  #ended = false;

  constructor(options: LineReaderOptions = {}) {
    const input = options.input ?? process.stdin;
    const output = options.output ?? process.stdout;
    const terminal = (input as { isTTY?: boolean }).isTTY === true;
    this.#readline = createInterface({
      input,
      output,
      terminal,
      ...(options.completer ? { completer: options.completer } : {}),
      ...(options.historySize !== undefined ? { historySize: options.historySize } : {}),
    });
    this.#readline.on("line", (line) => {
      const waiting = this.#waiting;
      this.#waiting = undefined;
      if (waiting) waiting(line);
      else this.#lines.push(line);
    });
    this.#readline.once("close", () => {
      this.#ended = true;
      const waiting = this.#waiting;
      this.#waiting = undefined;
      waiting?.(undefined);
    });
  }

  /** Writes `prompt` and resolves with the next line, trimmed; undefined once input ends. */
  question(prompt: string): Promise<string | undefined> {
    const ready = this.#lines.shift();
    if (ready === undefined && this.#ended) return Promise.resolve(undefined);
    this.#readline.setPrompt(prompt);
    this.#readline.prompt();
    if (ready !== undefined) return Promise.resolve(ready.trim());
    return new Promise((resolve) => {
      this.#waiting = (line) => resolve(line?.trim());
    });
  }

  /** Stops reading, so that the input no longer keeps the process alive. */
  close(): void {
    this.#readline.close();
  }
}
