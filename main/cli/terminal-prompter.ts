import { createInterface } from 'node:readline';
import type { HostKeyQuestion, Prompter, SecretQuestion } from '../ssh';

/**
 * The CLI's prompter: asks on the terminal when there is one. Without a terminal (CI, cron),
 * unknown host keys are refused unless --accept-new, and no secret can be asked, so key or
 * agent authentication must work on its own.
 */
export function terminalPrompter(options: { acceptNewHostKeys: boolean }): Prompter {
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true;
  return {
    async confirmHostKey(question: HostKeyQuestion) {
      if (options.acceptNewHostKeys) return true;
      if (!interactive) return false;
      process.stderr.write(
        `The authenticity of ${question.host} (port ${question.port}) can't be established.\n` +
          `${question.keyType} key fingerprint is ${question.fingerprint}.\n`,
      );
      const answer = await ask('Trust this host and remember its key? [y/N] ', false);
      return /^y(es)?$/i.test(answer.trim());
    },
    async askSecret(question: SecretQuestion) {
      if (!interactive) return null;
      // Servers' own prompts (PAM's "Password: ") already end in a colon.
      const prompt = /:\s*$/.test(question.prompt) ? question.prompt.replace(/\s*$/, ' ') : `${question.prompt}: `;
      return ask(prompt, question.echo === true);
    },
  };
}

/** One line from the terminal; typed characters are not shown unless `echo`. */
function ask(prompt: string, echo: boolean): Promise<string> {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    const output = rl as unknown as { _writeToOutput: (text: string) => void; output: NodeJS.WriteStream };
    let prompted = false;
    const write = output._writeToOutput.bind(rl);
    output._writeToOutput = (text: string) => {
      if (echo || !prompted) write(text);
    };
    rl.question(prompt, (answer) => {
      if (!echo) process.stderr.write('\n');
      rl.close();
      resolve(answer);
    });
    prompted = true;
  });
}
