import { type ReactNode, type TextareaHTMLAttributes, useId } from 'react';
import { useFieldError } from '~/components/form';
import { useT } from '~/lib/i18n';

type TextAreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, 'name' | 'id'> & {
  label: string;
  name: string;
  hint?: string;
  optional?: boolean;
};

/** A multi-line field, wired like TextField (label, hint, error, aria-invalid/describedby). */
export function TextAreaField({ label, name, hint, optional, className, ...textarea }: TextAreaProps) {
  const t = useT();
  const error = useFieldError(name);
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <div className={`field${error ? ' field--invalid' : ''}`}>
      <label htmlFor={id} className="field__label">
        {label}
        {optional ? <span className="field__optional"> ({t('common.optional')})</span> : null}
      </label>
      <textarea
        id={id}
        name={name}
        className={`input input--area${className ? ` ${className}` : ''}`}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy || undefined}
        {...textarea}
      />
      {hint ? (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      {error ? (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/**
 * Checkboxes sharing one name (a list value), as a fieldset: the legend names
 * the group, the error is announced with it and the first box carries
 * aria-invalid, so "focus the first invalid field" lands in the group.
 */
export function CheckboxGroup({
  legend,
  name,
  options,
  defaultValues,
  hint,
  optional,
  empty,
}: {
  legend: string;
  name: string;
  options: { value: string; label: ReactNode }[];
  defaultValues: readonly string[];
  hint?: string;
  optional?: boolean;
  /** Shown instead of the boxes when there is no option. */
  empty?: string;
}) {
  const t = useT();
  const error = useFieldError(name);
  const id = useId();
  const describedBy = [error ? `${id}-error` : null, hint ? `${id}-hint` : null].filter(Boolean).join(' ');
  return (
    <fieldset
      className={`field check-group${error ? ' field--invalid' : ''}`}
      aria-describedby={describedBy || undefined}
    >
      <legend className="field__label">
        {legend}
        {optional ? <span className="field__optional"> ({t('common.optional')})</span> : null}
      </legend>
      {hint ? (
        <p id={`${id}-hint`} className="field__hint">
          {hint}
        </p>
      ) : null}
      {options.length === 0 && empty ? <p className="field__hint">{empty}</p> : null}
      <div className="check-group__options">
        {options.map((option, index) => (
          <label key={option.value} className="check">
            <input
              type="checkbox"
              name={name}
              value={option.value}
              defaultChecked={defaultValues.includes(option.value)}
              aria-invalid={error && index === 0 ? true : undefined}
            />
            <span>{option.label}</span>
          </label>
        ))}
      </div>
      {error ? (
        <p id={`${id}-error`} className="field__error">
          {error}
        </p>
      ) : null}
    </fieldset>
  );
}

/** A titled group of fields inside a long form. */
export function FormSection({ title, children }: { title: string; children: ReactNode }) {
  return (
    <fieldset className="form-section">
      <legend className="form-section__title">{title}</legend>
      <div className="stack">{children}</div>
    </fieldset>
  );
}
