import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PromptRequest } from '../../preload/api';
import { EventBus } from '../../main/common/event-bus';
import { PromptBroker } from '../../main/api/prompt-broker';

function broker() {
  const events = new EventBus();
  const asked: PromptRequest[] = [];
  const closed: string[] = [];
  events.subscribe((event, payload) => {
    if (event === 'prompt') asked.push(payload as PromptRequest);
    if (event === 'prompt.closed') closed.push((payload as { id: string }).id);
  });
  return { prompts: new PromptBroker(events), asked, closed };
}

describe('PromptBroker', () => {
  it('asks about a host key as an event and resolves with the answer', async () => {
    const { prompts, asked, closed } = broker();
    const answer = prompts.confirmHostKey({ host: 'gpu1', port: 22, keyType: 'ssh-ed25519', fingerprint: 'SHA256:abc' });
    assert.equal(asked[0]?.kind, 'host-key');
    assert.equal(prompts.answer(asked[0]?.id ?? '', true), true);
    assert.equal(await answer, true);
    assert.deepEqual(closed, [asked[0]?.id]);
  });

  it('asks for a secret and returns the typed text; the secret never goes back out as an event', async () => {
    const { prompts, asked } = broker();
    const answer = prompts.askSecret({ kind: 'password', host: 'gpu1', user: 'ada', prompt: 'Password for ada@gpu1' });
    const request = asked[0];
    assert.ok(request?.kind === 'secret' && request.secretKind === 'password' && request.echo === false);
    prompts.answer(request.id, 'hunter2');
    assert.equal(await answer, 'hunter2');
    assert.ok(!JSON.stringify(asked).includes('hunter2'));
  });

  it('refuses answers of the wrong type, unknown ids, and a second answer', async () => {
    const { prompts, asked } = broker();
    const answer = prompts.confirmHostKey({ host: 'h', port: 22, keyType: 't', fingerprint: 'f' });
    const id = asked[0]?.id ?? '';
    assert.equal(prompts.answer(id, 'yes'), false);
    assert.equal(prompts.answer('no-such-id', true), false);
    assert.equal(prompts.answer(id, false), true);
    assert.equal(prompts.answer(id, true), false);
    assert.equal(await answer, false);
  });

  it('cancelAll declines everything still open (the window closed)', async () => {
    const { prompts } = broker();
    const key = prompts.confirmHostKey({ host: 'h', port: 22, keyType: 't', fingerprint: 'f' });
    const secret = prompts.askSecret({ kind: 'passphrase', host: 'h', user: 'u', prompt: 'Passphrase' });
    prompts.cancelAll();
    assert.equal(await key, false);
    assert.equal(await secret, null);
  });
});
