import { readFileSync } from 'node:fs';
import ssh2, { type AnyAuthMethod, type AuthHandlerMiddleware, type AuthenticationType, type Prompt } from 'ssh2';

// ssh2 is CommonJS and `utils` is not visible to Node's named-export detection.
const { utils } = ssh2;
import type { Prompter, SecretQuestion } from './prompter';
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

export interface AuthHandle {
  readonly handler: AuthHandlerMiddleware;
  /**
   * What was offered, in order, for the failure message ("tried key, password"). When the person
   * cancels a question the last entry says so ("you cancelled the password prompt").
   */
  readonly tried: string[];
  /** True once the person cancelled a password or keyboard-interactive question: nothing more is asked or sent. */
  readonly cancelled: boolean;
}

/** Like OpenSSH's NumberOfPasswordPrompts: wrong passwords (and 2FA rounds) are asked again, this many times in all. */
export const MAX_PASSWORD_TRIES = 3;

type Method = () => Promise<AnyAuthMethod | null>;

/**
 * The order OpenSSH uses: agent, then key files (asking for a passphrase when a key is
 * encrypted), then keyboard-interactive (2FA, or PAM asking for the password), then password.
 *
 * - Before the first question, an unauthenticated "none" request learns which methods the server
 *   accepts, so nobody is asked for a password the server would not take.
 * - A wrong password or keyboard-interactive answer is asked again, MAX_PASSWORD_TRIES times
 *   per method; then the connection fails with what was tried.
 * - Cancelling a password or keyboard-interactive question ends authentication at once (no
 *   other question follows). Cancelling a key's passphrase only skips that key, as in OpenSSH.
 * - Typed passwords and passphrases stay in the SecretCache (memory) so a reconnect does not
 *   ask again; one the server refuses is forgotten. A keyboard-interactive round that is a lone
 *   hidden "Password:" question is the account password and is cached the same way; any other
 *   round (a one-time code) is never cached.
 */
export function createAuthHandler(options: AuthOptions): AuthHandle {
  const tried: string[] = [];
  const { user, host, prompter, secrets } = options;
  const passwordKey = `password:${user}@${host}`;
  const unattended: Method[] = [];
  let cancelled = false;
  let probed = false;
  let passwordTries = 0;
  let keyboardTries = 0;
  /** The cache entry the last attempt sent; forgotten when the server refuses that attempt. */
  let sentFromCache: string | null = null;

  if (options.agent) unattended.push(async () => ({ type: 'agent', username: user, agent: options.agent as string }));
  for (const file of options.identityFiles) unattended.push(() => keyMethod(file));

  const note = (entry: string) => {
    if (!tried.includes(entry)) tried.push(entry);
  };

  /** Asks the person; a null answer (cancel) of a password or 2FA question stops everything. */
  async function ask(question: SecretQuestion): Promise<string | null> {
    if (cancelled) return null;
    const answer = await prompter.askSecret(question);
    if (answer === null && question.kind !== 'passphrase') {
      cancelled = true;
      tried.push(`you cancelled the ${question.kind === 'password' ? 'password' : 'keyboard-interactive'} prompt`);
    }
    return answer;
  }

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
      const passphrase = secrets.get(cacheKey) ?? (await ask({ kind: 'passphrase', host, user, prompt: `Passphrase for ${file}` }));
      if (passphrase === null) return null;
      if (!(utils.parseKey(data, passphrase) instanceof Error)) {
        secrets.set(cacheKey, passphrase);
        return { type: 'publickey', username: user, key: data, passphrase };
      }
      secrets.forget(cacheKey);
    }
    return null;
  }

  function keyboardInteractive(_name: string, instructions: string, _lang: string, prompts: Prompt[], finish: (answers: string[]) => void): void {
    void (async () => {
      const first = prompts[0];
      const isPassword = prompts.length === 1 && first !== undefined && first.echo !== true && /password/i.test(first.prompt);
      const cached = isPassword ? secrets.get(passwordKey) : undefined;
      if (cached !== undefined) {
        sentFromCache = passwordKey;
        return finish([cached]);
      }
      const answers: string[] = [];
      for (const question of prompts) {
        const text = [instructions, question.prompt].filter(Boolean).join('\n');
        const answer = await ask({ kind: 'keyboard-interactive', host, user, prompt: text, echo: question.echo ?? false });
        // Cancelled: the exchange must still be closed with one (empty) answer per question;
        // the server refuses them and the handler below then stops.
        if (answer === null) return finish(prompts.map(() => ''));
        answers.push(answer);
      }
      if (isPassword && answers[0] !== undefined) {
        secrets.set(passwordKey, answers[0]);
        sentFromCache = passwordKey;
      }
      finish(answers);
    })();
  }

  async function passwordMethod(): Promise<AnyAuthMethod | null> {
    passwordTries += 1;
    const password = secrets.get(passwordKey) ?? (await ask({ kind: 'password', host, user, prompt: `Password for ${user}@${host}` }));
    if (password === null) return null;
    secrets.set(passwordKey, password);
    sentFromCache = passwordKey;
    return { type: 'password', username: user, password };
  }

  async function nextMethod(authsLeft: AuthenticationType[] | null): Promise<AnyAuthMethod | null> {
    // The agent's keys are offered as "publickey", which is what the server lists.
    const offered = (type: AuthenticationType) => !authsLeft || authsLeft.includes(type === 'agent' ? 'publickey' : type);
    while (unattended.length > 0) {
      const method = await (unattended.shift() as Method)();
      if (cancelled) return null;
      if (method && offered(method.type)) {
        note(describeMethod(method));
        return method;
      }
    }
    if (cancelled) return null;
    if (!authsLeft && !probed) {
      probed = true;
      return { type: 'none', username: user };
    }
    if (offered('keyboard-interactive') && keyboardTries < MAX_PASSWORD_TRIES) {
      keyboardTries += 1;
      note('keyboard-interactive');
      return { type: 'keyboard-interactive', username: user, prompt: keyboardInteractive };
    }
    if (offered('password') && passwordTries < MAX_PASSWORD_TRIES) {
      const method = await passwordMethod();
      if (method) note('password');
      return method;
    }
    return null;
  }

  const handler: AuthHandlerMiddleware = (authsLeft, partialSuccess, next) => {
    void (async () => {
      // Called again means the last attempt was refused (unless it partly succeeded: a second
      // factor is wanted), so a cached secret it used is wrong now.
      if (sentFromCache !== null && partialSuccess !== true) secrets.forget(sentFromCache);
      sentFromCache = null;
      const method = cancelled ? null : await nextMethod(authsLeft);
      next(method ?? (false as unknown as AuthenticationType)); // ssh2: false = no more methods
    })();
  };
  return {
    handler,
    tried,
    get cancelled() {
      return cancelled;
    },
  };
}

function describeMethod(method: AnyAuthMethod): string {
  switch (method.type) {
    case 'agent':
      return 'ssh-agent';
    case 'publickey':
      return 'key';
    default:
      return method.type;
  }
}
