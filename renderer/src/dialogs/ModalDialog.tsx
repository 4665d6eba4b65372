import { useEffect, useRef, type FormEvent, type KeyboardEvent, type ReactNode } from 'react';

/**
 * The one modal of Labdesk (UI.md: dialogs only for what must be decided now): a dimmed overlay,
 * the dialog (role, aria-modal, labelled by its heading, optionally described), and Escape.
 * Buttons go in a <DialogButtons> row; autofocus stays with the button (or field) that should have it.
 */
export interface ModalDialogProps {
  /** 'alertdialog' for a question that interrupts (a delete, an unknown host key); 'dialog' otherwise. */
  readonly role?: 'dialog' | 'alertdialog';
  /** id of the heading (aria-labelledby); unique per kind of dialog. */
  readonly titleId: string;
  readonly title: ReactNode;
  /** id of the element that says what is asked (aria-describedby). */
  readonly describedBy?: string;
  /** Extra class of the dialog box (its size). */
  readonly className?: string;
  /** What Escape does; without it Escape does nothing (the question needs an answer, or work is running). */
  readonly onEscape?: (() => void) | undefined;
  /** Makes the dialog a form: Enter in a field submits. */
  readonly onSubmit?: (event: FormEvent<HTMLFormElement>) => void;
  /** When the dialog closes, focus goes back to what had it before it opened. */
  readonly restoreFocus?: boolean;
  readonly children?: ReactNode;
}

export function ModalDialog({ role = 'dialog', titleId, title, describedBy, className, onEscape, onSubmit, restoreFocus = false, children }: ModalDialogProps) {
  const previousFocus = useRef<Element | null>(restoreFocus ? document.activeElement : null);
  useEffect(() => {
    const previous = previousFocus.current;
    return () => {
      if (previous instanceof HTMLElement) previous.focus();
    };
  }, []);

  const onKeyDown = (event: KeyboardEvent) => {
    if (event.key !== 'Escape' || !onEscape) return;
    event.preventDefault();
    onEscape();
  };
  const boxProps = {
    className: className ? `dialog ${className}` : 'dialog',
    role,
    'aria-modal': true,
    'aria-labelledby': titleId,
    ...(describedBy !== undefined && { 'aria-describedby': describedBy }),
  } as const;
  const content = (
    <>
      <h2 id={titleId}>{title}</h2>
      {children}
    </>
  );
  return (
    <div className="overlay modal" onKeyDown={onKeyDown}>
      {onSubmit ? (
        <form {...boxProps} onSubmit={onSubmit}>
          {content}
        </form>
      ) : (
        <div {...boxProps}>{content}</div>
      )}
    </div>
  );
}

export interface DialogAction {
  readonly label: ReactNode;
  /** Stable key when the label is not a plain string. */
  readonly id?: string;
  readonly onClick?: () => void;
  /** The button Enter would mean: drawn as the primary one. */
  readonly primary?: boolean;
  readonly autoFocus?: boolean;
  readonly disabled?: boolean;
  /** Submits the surrounding form (ModalDialog with onSubmit). */
  readonly submit?: boolean;
  /** Id of the element that explains the button (e.g. why it is disabled). */
  readonly describedBy?: string;
}

/** The row of buttons at the bottom of a dialog; `false`/`null` entries are skipped (conditional buttons). */
export function DialogButtons({ actions }: { readonly actions: readonly (DialogAction | false | null | undefined)[] }) {
  return (
    <div className="dialog-buttons">
      {actions.map((action, index) =>
        action ? (
          <button
            key={action.id ?? (typeof action.label === 'string' ? action.label : index)}
            type={action.submit ? 'submit' : 'button'}
            className={`button${action.primary ? ' primary' : ''}`}
            autoFocus={action.autoFocus}
            disabled={action.disabled}
            aria-describedby={action.describedBy}
            onClick={action.onClick}
          >
            {action.label}
          </button>
        ) : null,
      )}
    </div>
  );
}
