import { useEffect, useState, type FormEvent } from 'react';
import type { PromptRequest } from '../../../preload/api';
import { api } from '../api/client';
import { DialogButtons, ModalDialog } from './ModalDialog';

/**
 * Questions from main that must be decided now (UI.md): an unknown host key, a password, a key
 * passphrase or a 2FA code. The typed secret goes straight to main and is not kept here.
 */
export function PromptHost() {
  const [queue, setQueue] = useState<PromptRequest[]>([]);
  useEffect(() => {
    const offAsk = api().on('prompt', (request) => setQueue((current) => [...current, request]));
    const offClosed = api().on('prompt.closed', ({ id }) => setQueue((current) => current.filter((request) => request.id !== id)));
    return () => {
      offAsk();
      offClosed();
    };
  }, []);
  const request = queue[0];
  if (!request) return null;
  return <PromptDialog key={request.id} request={request} />;
}

function PromptDialog({ request }: { request: PromptRequest }) {
  const [text, setText] = useState('');
  const answer = (value: string | boolean | null) => void api().prompts.answer({ id: request.id, value });

  if (request.kind === 'host-key') {
    // No Escape: trusting a key is decided with a button (Cancel has the focus).
    return (
      <ModalDialog role="alertdialog" titleId="prompt-title" title={`Trust the server ${request.host}?`} describedBy="prompt-detail">
        <p id="prompt-detail">
          Labdesk has never connected to {request.host} (port {request.port}) before. Its {request.keyType} key fingerprint is
        </p>
        <code className="fingerprint">{request.fingerprint}</code>
        <p className="hint">Compare it with the one your administrator gave you, or with `ssh-keygen -lf /etc/ssh/ssh_host_*_key.pub` on the server.</p>
        <DialogButtons
          actions={[
            { label: 'Trust and connect', primary: true, onClick: () => answer(true) },
            { label: 'Cancel', autoFocus: true, onClick: () => answer(false) },
          ]}
        />
      </ModalDialog>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    answer(text);
    setText('');
  };
  const title = request.secretKind === 'passphrase' ? 'Key passphrase' : request.secretKind === 'password' ? `Password for ${request.user}@${request.host}` : `${request.host} asks`;
  return (
    <ModalDialog titleId="prompt-title" title={title} onEscape={() => answer(null)} onSubmit={submit}>
      <label htmlFor="prompt-input">{request.prompt}</label>
      <input id="prompt-input" type={request.echo ? 'text' : 'password'} value={text} autoFocus autoComplete="off" spellCheck={false} onChange={(event) => setText(event.target.value)} />
      <p className="hint">Kept in memory for this session only, so a reconnect does not ask again.</p>
      <DialogButtons
        actions={[
          { label: 'Continue', submit: true, primary: true },
          { label: 'Cancel', onClick: () => answer(null) },
        ]}
      />
    </ModalDialog>
  );
}
