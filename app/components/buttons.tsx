import { useNavigation } from '@remix-run/react';
import { type ButtonHTMLAttributes, type ReactNode, useId, useRef, useState } from 'react';
import { useT } from '~/lib/i18n';

type Variant = 'primary' | 'secondary' | 'danger' | 'ghost';

function classes(variant: Variant, extra?: string) {
  return `button button--${variant}${extra ? ` ${extra}` : ''}`;
}

/**
 * True while a navigation form submission is in flight, optionally only for
 * one `intent` of the page (pages with several forms).
 */
export function useSubmitting(intent?: string): boolean {
  const navigation = useNavigation();
  if (navigation.state !== 'submitting' && navigation.state !== 'loading') return false;
  if (!navigation.formData) return false;
  return intent === undefined || navigation.formData.get('intent') === intent;
}

interface SubmitButtonProps extends Omit<ButtonHTMLAttributes<HTMLButtonElement>, 'type'> {
  pending: boolean;
  /** Shown (and announced) while pending, e.g. "Enregistrement…". */
  pendingLabel?: string;
  variant?: Variant;
}

/** A submit button that shows progress and refuses double submissions while pending. */
export function SubmitButton({
  pending,
  pendingLabel,
  variant = 'primary',
  className,
  children,
  onClick,
  ...props
}: SubmitButtonProps) {
  return (
    <button
      type="submit"
      className={classes(variant, className)}
      aria-disabled={pending || undefined}
      data-pending={pending || undefined}
      onClick={(event) => {
        // aria-disabled rather than disabled: the button keeps focus and its value is still sent.
        if (pending) event.preventDefault();
        onClick?.(event);
      }}
      {...props}
    >
      {pending ? <span className="spinner" aria-hidden="true" /> : null}
      {pending && pendingLabel ? pendingLabel : children}
    </button>
  );
}

interface ConfirmButtonProps {
  /** The visible trigger text ("Supprimer"). */
  label: string;
  /** Its accessible name when the row gives context ("Supprimer l'équipe Lyon"). */
  ariaLabel?: string;
  title: string;
  message?: ReactNode;
  confirmLabel: string;
  /** Submitted by the confirm button: `name=value` (usually intent). */
  name: string;
  value: string;
  /** The form the confirm button submits, when it is not an ancestor. */
  form?: string;
  pending?: boolean;
  variant?: Variant;
}

/**
 * A destructive action behind a confirmation step: the trigger opens a modal
 * `<dialog>` (focus moves into it, Escape cancels, focus returns to the
 * trigger); only its confirm button submits.
 */
export function ConfirmButton({
  label,
  ariaLabel,
  title,
  message,
  confirmLabel,
  name,
  value,
  form,
  pending = false,
  variant = 'danger',
}: ConfirmButtonProps) {
  const t = useT();
  const dialog = useRef<HTMLDialogElement>(null);
  const id = useId();
  return (
    <>
      <button
        type="button"
        className={classes(
          variant === 'danger' ? 'ghost' : variant,
          variant === 'danger' ? 'button--danger-text' : '',
        )}
        aria-label={ariaLabel}
        aria-haspopup="dialog"
        data-pending={pending || undefined}
        onClick={() => dialog.current?.showModal()}
      >
        {pending ? <span className="spinner" aria-hidden="true" /> : null}
        {label}
      </button>
      <dialog
        ref={dialog}
        className="dialog"
        aria-labelledby={`${id}-title`}
        aria-describedby={message ? `${id}-message` : undefined}
      >
        <h2 id={`${id}-title`} className="dialog__title">
          {title}
        </h2>
        {message ? (
          <div id={`${id}-message`} className="dialog__message">
            {message}
          </div>
        ) : null}
        <div className="dialog__actions">
          <button type="button" className={classes('secondary')} onClick={() => dialog.current?.close()}>
            {t('common.cancel')}
          </button>
          <button
            type="submit"
            name={name}
            value={value}
            form={form}
            className={classes(variant)}
            onClick={() => dialog.current?.close()}
          >
            {confirmLabel}
          </button>
        </div>
      </dialog>
    </>
  );
}

/** Copies `value`; the result is announced. */
export function CopyButton({ value, label }: { value: string; label?: string }) {
  const t = useT();
  const [status, setStatus] = useState<'idle' | 'copied' | 'failed'>('idle');
  return (
    <>
      <button
        type="button"
        className={classes('secondary', 'button--small')}
        aria-label={label}
        onClick={async () => {
          try {
            await navigator.clipboard.writeText(value);
            setStatus('copied');
          } catch {
            setStatus('failed');
          }
        }}
      >
        {status === 'copied' ? t('common.copied') : t('common.copy')}
      </button>
      <span className="visually-hidden" aria-live="polite">
        {status === 'copied' ? t('common.copied') : status === 'failed' ? t('common.copyFailed') : ''}
      </span>
    </>
  );
}
