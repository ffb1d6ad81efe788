import { Form, type FormProps } from '@remix-run/react';
import {
  type ChangeEvent,
  createContext,
  type FormEvent,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  useContext,
  useEffect,
  useId,
  useRef,
  useState,
} from 'react';
import type { z } from 'zod';
import { type FieldErrors, formDataToObject, issuesToErrors } from '~/lib/forms';
import { useT } from '~/lib/i18n';

const FieldErrorsContext = createContext<FieldErrors>({});

/** Server-side errors for the fields inside (per-row forms that skip client validation). */
export function FieldErrorsProvider({
  errors,
  children,
}: {
  errors: FieldErrors | undefined;
  children: ReactNode;
}) {
  return <FieldErrorsContext.Provider value={errors ?? {}}>{children}</FieldErrorsContext.Provider>;
}

/** The error for a field of the surrounding form (for custom controls such as checkbox groups). */
export function useFieldError(name: string): string | undefined {
  return useContext(FieldErrorsContext)[name];
}

function focusFirstInvalid(form: HTMLFormElement | null) {
  const field = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
  (field ?? form?.querySelector<HTMLElement>('[data-form-alert]'))?.focus();
}

interface Failure {
  formError: string | null;
  fieldErrors: FieldErrors;
}

interface ValidatedFormProps extends Omit<FormProps, 'onSubmit' | 'onChange'> {
  /** The same zod schema the action parses with. */
  schema: z.ZodType;
  /** Fields submitted as lists (checkbox groups). */
  arrays?: readonly string[];
  /** The action's answer for this form, when it failed. */
  failure?: Failure;
  /** When this value changes (and is truthy), the fields are reset: after a success. */
  resetKey?: unknown;
  children: ReactNode;
}

/**
 * A Remix `<Form>` validated in the browser with the action's zod schema
 * (messages inline, focus on the first invalid field, re-checked as the user
 * corrects) and showing the server's verdict the same way. Without
 * JavaScript it is a plain form, and the server's validation still applies.
 */
export function ValidatedForm({ schema, arrays, failure, resetKey, children, ...props }: ValidatedFormProps) {
  const t = useT();
  const ref = useRef<HTMLFormElement>(null);
  const [clientFailure, setClientFailure] = useState<Failure | null>(null);

  useEffect(() => {
    setClientFailure(null);
    if (failure) focusFirstInvalid(ref.current);
  }, [failure]);

  useEffect(() => {
    if (resetKey) ref.current?.reset();
  }, [resetKey]);

  const validate = (form: HTMLFormElement, submitter?: HTMLElement | null): Failure | null => {
    const formData = new FormData(form, submitter ?? undefined);
    const parsed = schema.safeParse(formDataToObject(formData, arrays));
    if (parsed.success) return null;
    const errors = issuesToErrors(parsed.error.issues, t);
    return { fieldErrors: errors.fieldErrors, formError: errors.formError ?? t('errors.form') };
  };

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    const nativeEvent = event.nativeEvent as SubmitEvent;
    const result = validate(event.currentTarget, nativeEvent.submitter);
    setClientFailure(result);
    if (result) {
      event.preventDefault();
      const form = event.currentTarget;
      requestAnimationFrame(() => focusFirstInvalid(form));
    }
  };

  // Once errors are shown, they follow the user's corrections.
  const onChange = (event: ChangeEvent<HTMLFormElement>) => {
    if (clientFailure) setClientFailure(validate(event.currentTarget));
  };

  const shown = clientFailure ?? failure;
  return (
    <Form ref={ref} noValidate {...props} onSubmit={onSubmit} onChange={onChange}>
      {shown?.formError ? <FormAlert message={shown.formError} /> : null}
      <FieldErrorsContext.Provider value={shown?.fieldErrors ?? {}}>{children}</FieldErrorsContext.Provider>
    </Form>
  );
}

/** A message about the whole form, announced when it appears. */
export function FormAlert({ message }: { message: string }) {
  return (
    <div className="alert alert--error" role="alert" tabIndex={-1} data-form-alert>
      {message}
    </div>
  );
}

/** A success or information message, announced politely. */
export function Notice({ children, tone = 'success' }: { children: ReactNode; tone?: 'success' | 'info' }) {
  return (
    <div className={`alert alert--${tone}`} role="status">
      {children}
    </div>
  );
}

interface FieldShellProps {
  label: string;
  name: string;
  hint?: string;
  optional?: boolean;
  /** Overrides the error from the surrounding form. */
  error?: string;
  children: (control: {
    id: string;
    describedBy: string | undefined;
    error: string | undefined;
  }) => ReactNode;
}

function FieldShell({ label, name, hint, optional, error: errorProp, children }: FieldShellProps) {
  const t = useT();
  const errors = useContext(FieldErrorsContext);
  const error = errorProp ?? errors[name];
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [error ? errorId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id} className="field__label">
        {label}
        {optional ? <span className="field__optional"> ({t('common.optional')})</span> : null}
      </label>
      {children({ id, describedBy, error })}
      {hint ? (
        <p id={hintId} className="field__hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={errorId} className="field__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, 'name' | 'id'> & {
  label: string;
  name: string;
  hint?: string;
  optional?: boolean;
  error?: string;
};

/** Label, input, hint and error, wired with aria-invalid / aria-describedby. */
export function TextField({ label, name, hint, optional, error, className, ...input }: InputProps) {
  return (
    <FieldShell label={label} name={name} hint={hint} optional={optional} error={error}>
      {({ id, describedBy, error: shown }) => (
        <input
          id={id}
          name={name}
          className={`input${className ? ` ${className}` : ''}`}
          aria-invalid={shown ? true : undefined}
          aria-describedby={describedBy}
          {...input}
        />
      )}
    </FieldShell>
  );
}

type SelectProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, 'name' | 'id'> & {
  label: string;
  name: string;
  hint?: string;
  optional?: boolean;
  error?: string;
};

export function SelectField({
  label,
  name,
  hint,
  optional,
  error,
  children,
  className,
  ...select
}: SelectProps) {
  return (
    <FieldShell label={label} name={name} hint={hint} optional={optional} error={error}>
      {({ id, describedBy, error: shown }) => (
        <select
          id={id}
          name={name}
          className={`input${className ? ` ${className}` : ''}`}
          aria-invalid={shown ? true : undefined}
          aria-describedby={describedBy}
          {...select}
        >
          {children}
        </select>
      )}
    </FieldShell>
  );
}
