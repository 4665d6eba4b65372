import { readFileSync } from 'node:fs';
import ssh2, { type AnyAuthMethod, type AuthHandlerMiddleware, type AuthenticationType } from 'ssh2';

// ssh2 is CommonJS and `utils` is not visible to Node's named-export detection.
const { utils } = ssh2;
import type { Prompter } from './prompter';
import type { SecretCache } from './secret-cache';

export interface AuthOptions {
  readonly host: string;
  readonly user: string;
  /** ssh-agent socket ($SSH_AUTH_SOCK), or 'pageant' on Windows; undefined when there is none. */
  readonly agent: string | undefined;
  /** Private key files to try, in order; missing files are skipped. */
  readonly identityFiles: readonly string[];
  readonly prompter: Prompter;
  readonly secrets: SecretCache;
}

const MAX_PASSWORD_TRIES = 3;

/**
 * The order OpenSSH uses: agent, then key files (asking for a passphrase when a key is
 * encrypted), then keyboard-interactive (2FA), then password. `tried` records what was offered,
 * so a failure can say so.
 */
export function createAuthHandler(options: AuthOptions): { handler: AuthHandlerMiddleware; tried: string[] } {
  const tried: string[] = [];
  const { user, host, prompter, secrets } = options;
  const pending: (() => Promise<AnyAuthMethod | null>)[] = [];
  let passwordTries = 0;
  let lastWasPassword = false;

  if (options.agent) pending.push(async () => ({ type: 'agent', username: user, agent: options.agent as string }));
  for (const file of options.identityFiles) pending.push(() => keyMethod(file));
  pending.push(async () => ({ type: 'keyboard-interactive', username: user, prompt: keyboardInteractive }));

  async function keyMethod(file: string): Promise<AnyAuthMethod | null> {
    let data: Buffer;
    try {
      data = readFileSync(file);
    } catch {
      return null; // listed by default (id_rsa, id_ed25519, …) but not present
    }
    const parsed = utils.parseKey(data);
    if (!(parsed instanceof Error)) return { type: 'publickey', username: user, key: data };
    if (!/encrypted|passphrase/i.test(parsed.message)) return null; // not a key we can use
    const cacheKey = `passphrase:${file}`;
    for (let attempt = 0; attempt < MAX_PASSWORD_TRIES; attempt++) {
      const passphrase = secrets.get(cacheKey) ?? (await prompter.askSecret({ kind: 'passphrase', host, user, prompt: `Passphrase for ${file}` }));
      if (passphrase === null) return null;
      if (!(utils.parseKey(data, passphrase) instanceof Error)) {
        secrets.set(cacheKey, passphrase);
        return { type: 'publickey', username: user, key: data, passphrase };
      }
      secrets.forget(cacheKey);
    }
    return null;
  }

  function keyboardInteractive(
    _name: string,
    instructions: string,
    _lang: string,
    prompts: { prompt: string; echo?: boolean }[],
    finish: (answers: string[]) => void,
  ): void {
    void (async () => {
      const answers: string[] = [];
      for (const question of prompts) {
        const text = [instructions, question.prompt].filter(Boolean).join('\n');
        const answer = await prompter.askSecret({ kind: 'keyboard-interactive', host, user, prompt: text, echo: question.echo ?? false });
        if (answer === null) return finish([]);
        answers.push(answer);
      }
      finish(answers);
    })();
  }

  async function passwordMethod(): Promise<AnyAuthMethod | null> {
    if (passwordTries >= MAX_PASSWORD_TRIES) return null;
    passwordTries += 1;
    const cacheKey = `password:${user}@${host}`;
    const password = secrets.get(cacheKey) ?? (await prompter.askSecret({ kind: 'password', host, user, prompt: `Password for ${user}@${host}` }));
    if (password === null) return null;
    secrets.set(cacheKey, password);
    return { type: 'password', username: user, password };
  }

  const handler: AuthHandlerMiddleware = (authsLeft, _partialSuccess, next) => {
    void (async () => {
      if (lastWasPassword) secrets.forget(`password:${user}@${host}`); // it was refused
      lastWasPassword = false;
      const allowed = (type: AuthenticationType) => !authsLeft || authsLeft.includes(type);
      while (pending.length > 0) {
        const method = await (pending.shift() as () => Promise<AnyAuthMethod | null>)();
        if (method && allowed(method.type)) {
          tried.push(describeMethod(method));
          return next(method);
        }
      }
      if (allowed('password')) {
        const method = await passwordMethod();
        if (method) {
          lastWasPassword = true;
          if (!tried.includes('password')) tried.push('password');
          return next(method);
        }
      }
      next(false as unknown as AuthenticationType); // ssh2: false = no more methods
    })();
  };
  return { handler, tried };
}

function describeMethod(method: AnyAuthMethod): string {
  switch (method.type) {
    case 'agent':
      return 'ssh-agent';
    case 'publickey':
      return 'key';
    case 'keyboard-interactive':
      return 'keyboard-interactive';
    default:
      return method.type;
  }
}
