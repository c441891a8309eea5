import { createInterface } from "node:readline";

/**
 * Writes `prompt` and reads one line from standard input (a terminal or a pipe, so
 * `echo 1111 | atvremote ... pair` works); undefined if input ends first.
 */
export function readLine(
  prompt: string,
  input: NodeJS.ReadableStream = process.stdin,
): Promise<string | undefined> {
  if (prompt) process.stdout.write(prompt);
  return new Promise((resolve) => {
    const lines = createInterface({ input, terminal: false });
    let answered = false;
    lines.once("line", (line) => {
      answered = true;
      lines.close();
      resolve(line.trim());
    });
    lines.once("close", () => {
      if (!answered) resolve(undefined);
    });
  });
}
