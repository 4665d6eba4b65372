import { useEffect, useRef, useState, type FormEvent, type KeyboardEvent } from 'react';
import { useDialog, type DialogRequest } from '../state/dialog-store';

/** Renders the one pending dialog (confirm or prompt) as a modal; Escape cancels. */
export function DialogHost() {
  const { current, close } = useDialog();
  if (!current) return null;
  return <Dialog key={current.title} request={current} close={close} />;
}

function Dialog({ request, close }: { request: DialogRequest; close: () => void }) {
  const [text, setText] = useState(request.kind === 'prompt' ? request.initial : '');
  const previousFocus = useRef<Element | null>(document.activeElement);

  useEffect(() => {
    const previous = previousFocus.current;
    return () => {
      if (previous instanceof HTMLElement) previous.focus();
    };
  }, []);

  const cancel = () => {
    close();
    if (request.kind === 'confirm') request.resolve('cancel');
    else request.resolve(null);
  };

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key === 'Escape') {
      event.preventDefault();
      cancel();
    }
  };

  if (request.kind === 'confirm') {
    return (
      <div className="overlay modal" onKeyDown={onKeyDown}>
        <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="dialog-title" aria-describedby="dialog-message">
          <h2 id="dialog-title">{request.title}</h2>
          <p id="dialog-message">{request.message}</p>
          <div className="dialog-buttons">
            {request.buttons.map((button) => (
              <button
                key={button.value}
                type="button"
                className={`button${button.primary ? ' primary' : ''}`}
                autoFocus={button.primary}
                onClick={() => {
                  close();
                  request.resolve(button.value);
                }}
              >
                {button.label}
              </button>
            ))}
          </div>
        </div>
      </div>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    close();
    request.resolve(text.trim() === '' ? null : text);
  };
  return (
    <div className="overlay modal" onKeyDown={onKeyDown}>
      <form className="dialog" role="dialog" aria-modal="true" aria-labelledby="dialog-title" onSubmit={submit}>
        <h2 id="dialog-title">{request.title}</h2>
        <label htmlFor="dialog-input">{request.label}</label>
        <input
          id="dialog-input"
          type="text"
          value={text}
          autoFocus
          spellCheck={false}
          onChange={(event) => setText(event.target.value)}
          onFocus={(event) => {
            const dot = event.target.value.lastIndexOf('.');
            event.target.setSelectionRange(0, dot > 0 ? dot : event.target.value.length);
          }}
        />
        <div className="dialog-buttons">
          <button type="submit" className="button primary" disabled={text.trim() === ''}>
            {request.confirmLabel}
          </button>
          <button type="button" className="button" onClick={cancel}>
            Cancel
          </button>
        </div>
      </form>
    </div>
  );
}
