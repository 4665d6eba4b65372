import { randomUUID } from 'node:crypto';
import type { PromptRequest } from '../../preload/api';
import type { HostKeyQuestion, Prompter, SecretQuestion } from '../ssh';
import type { EventBus } from '../common';

type Pending = { readonly kind: PromptRequest['kind']; resolve(value: string | boolean | null): void; timer: NodeJS.Timeout };

/** A question nobody answers is declined after this long, so a connection never hangs forever. */
const PROMPT_TIMEOUT_MS = 5 * 60_000;

/**
 * The window's side of `Prompter`: each question goes out as a `prompt` event and the answer
 * comes back through `prompts.answer`. Secrets travel renderer → main only and are never sent
 * back out; an unanswered question is declined after five minutes.
 */
export class PromptBroker implements Prompter {
  private readonly pending = new Map<string, Pending>();

  constructor(private readonly events: EventBus) {}

  confirmHostKey(question: HostKeyQuestion): Promise<boolean> {
    return this.ask({ kind: 'host-key', ...question }).then((value) => value === true);
  }

  askSecret(question: SecretQuestion): Promise<string | null> {
    return this.ask({ kind: 'secret', secretKind: question.kind, host: question.host, user: question.user, prompt: question.prompt, echo: question.echo ?? false }).then(
      (value) => (typeof value === 'string' ? value : null),
    );
  }

  /** Returns false for an unknown or already answered id, or an answer of the wrong type. */
  answer(id: string, value: string | boolean | null): boolean {
    const pending = this.pending.get(id);
    if (!pending) return false;
    const fits = value === null || (pending.kind === 'host-key' ? typeof value === 'boolean' : typeof value === 'string');
    if (!fits) return false;
    this.settle(id, value);
    return true;
  }

  /** Declines everything still open (the window closed). */
  cancelAll(): void {
    for (const id of [...this.pending.keys()]) this.settle(id, null);
  }

  private ask(question: DistributiveOmit<PromptRequest, 'id'>): Promise<string | boolean | null> {
    const id = randomUUID();
    return new Promise((resolve) => {
      const timer = setTimeout(() => this.settle(id, null), PROMPT_TIMEOUT_MS);
      this.pending.set(id, { kind: question.kind, resolve, timer });
      this.events.emit('prompt', { ...question, id } as PromptRequest);
    });
  }

  private settle(id: string, value: string | boolean | null): void {
    const pending = this.pending.get(id);
    if (!pending) return;
    this.pending.delete(id);
    clearTimeout(pending.timer);
    pending.resolve(value);
    this.events.emit('prompt.closed', { id });
  }
}

type DistributiveOmit<T, K extends keyof T> = T extends unknown ? Omit<T, K> : never;
