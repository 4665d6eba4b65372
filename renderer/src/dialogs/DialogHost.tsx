import { useState, type FormEvent } from 'react';
import { useDialog, type DialogRequest } from '../state/dialog-store';
import { DialogButtons, ModalDialog } from './ModalDialog';

/** Renders the one pending dialog (confirm or prompt) as a modal; Escape cancels. */
export function DialogHost() {
  const { current, close } = useDialog();
  if (!current) return null;
  return <Dialog key={current.title} request={current} close={close} />;
}

function Dialog({ request, close }: { request: DialogRequest; close: () => void }) {
  const [text, setText] = useState(request.kind === 'prompt' ? request.initial : '');

  const cancel = () => {
    close();
    if (request.kind === 'confirm') request.resolve('cancel');
    else request.resolve(null);
  };

  if (request.kind === 'confirm') {
    return (
      <ModalDialog role="alertdialog" titleId="dialog-title" title={request.title} describedBy="dialog-message" onEscape={cancel} restoreFocus>
        <p id="dialog-message">{request.message}</p>
        <DialogButtons
          actions={request.buttons.map((button) => ({
            id: button.value,
            label: button.label,
            primary: button.primary,
            autoFocus: button.primary,
            onClick: () => {
              close();
              request.resolve(button.value);
            },
          }))}
        />
      </ModalDialog>
    );
  }

  const submit = (event: FormEvent) => {
    event.preventDefault();
    close();
    request.resolve(text.trim() === '' ? null : text);
  };
  return (
    <ModalDialog titleId="dialog-title" title={request.title} onEscape={cancel} onSubmit={submit} restoreFocus>
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
      <DialogButtons
        actions={[
          { label: request.confirmLabel, id: 'confirm', submit: true, primary: true, disabled: text.trim() === '' },
          { label: 'Cancel', id: 'cancel', onClick: cancel },
        ]}
      />
    </ModalDialog>
  );
}
