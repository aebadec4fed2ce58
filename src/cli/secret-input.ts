/**
 * Reads a secret (a password) for the console without it ever being a command-line argument,
 * which other users of the machine could see in the process list and the shell keeps in history:
 * piped stdin's first line, or typed at a terminal without echo.
 */
import { createInterface } from 'node:readline';

/** The first line of `input`, without its line ending; at a terminal, prompts and does not echo. */
export async function readSecretLine(
  input: NodeJS.ReadableStream & { isTTY?: boolean },
  prompt: NodeJS.WritableStream,
  question: string,
): Promise<string> {
  if (input.isTTY === true) {
    prompt.write(question);
    const typed = createInterface({ input, output: prompt, terminal: true });
    // readline echoes what is typed through this method; a password is not shown.
    (typed as unknown as { _writeToOutput: (text: string) => void })._writeToOutput = () => undefined;
    return new Promise((resolve) =>
      typed.question('', (answer) => {
        typed.close();
        prompt.write('\n');
        resolve(answer);
      }),
    );
  }
  const lines = createInterface({ input, terminal: false, crlfDelay: Infinity });
  try {
    for await (const line of lines) return line;
    return '';
  } finally {
    lines.close();
  }
}
