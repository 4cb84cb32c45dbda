/** Small building blocks every page uses: the page frame, alerts, fields, loading states. */

import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode, type SelectHTMLAttributes, type TextareaHTMLAttributes } from "react";

import { PROCESSING_NOTE, PROCESSING_WARNING } from "../lib/format";

const SITE = "Личный кабинет абонента ГУП РК «Крымэнерго»";

// The first page of a visit keeps the browser's own focus; every later one moves it to its h1.
let navigated = false;

/** A screen: its `<title>`, its h1 (focused after each navigation, for screen readers). */
export function Page({ title, lead, children, className }: { title: string; lead?: ReactNode; children?: ReactNode; className?: string }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} — ${SITE}`;
    if (navigated) heading.current?.focus();
    navigated = true;
  }, [title]);
  return (
    <div className={className ? `page ${className}` : "page"}>
      <h1 ref={heading} tabIndex={-1} className="page-title">
        {title}
      </h1>
      {lead ? <p className="page-lead">{lead}</p> : null}
      {children}
    </div>
  );
}

/** For tests: the next page focuses its heading as after a navigation. */
export function resetNavigationFocus(value = false): void {
  navigated = value;
}

export type AlertKind = "error" | "success" | "info" | "warning";

/** A message in a live region: errors interrupt (`alert`), the rest waits its turn (`status`). */
export function Alert({ kind, children, title }: { kind: AlertKind; children: ReactNode; title?: string }) {
  return (
    <div className={`alert alert-${kind}`} role={kind === "error" ? "alert" : "status"}>
      {title ? <p className="alert-title">{title}</p> : null}
      <div className="alert-body">{children}</div>
    </div>
  );
}

/** A live region that is always in the page, so that what appears in it is announced. */
export function LiveMessage({ error, success, info }: { error?: string | string[] | null; success?: string | null; info?: string | null }) {
  const errors = Array.isArray(error) ? error.filter(Boolean) : error ? [error] : [];
  return (
    <div className="live">
      <div role="alert" className="live-slot">
        {errors.length > 0 ? (
          <div className="alert alert-error">
            {errors.length === 1 ? <p>{errors[0]}</p> : <ul>{errors.map((e) => <li key={e}>{e}</li>)}</ul>}
          </div>
        ) : null}
      </div>
      <div role="status" className="live-slot">
        {success ? <div className="alert alert-success"><p>{success}</p></div> : null}
        {info ? <div className="alert alert-info"><p>{info}</p></div> : null}
      </div>
    </div>
  );
}

export function Loading({ label = "Загрузка…", lines = 3 }: { label?: string; lines?: number }) {
  return (
    <div className="loading" role="status" aria-busy="true" aria-live="polite">
      <span className="loading-label">{label}</span>
      <div className="skeleton" aria-hidden="true">
        {Array.from({ length: lines }, (_, i) => (
          <div key={i} className="skeleton-line" />
        ))}
      </div>
    </div>
  );
}

interface FieldFrameProps {
  id: string;
  label: ReactNode;
  error?: string;
  hint?: ReactNode;
  children: ReactNode;
  className?: string;
}

function FieldFrame({ id, label, error, hint, children, className }: FieldFrameProps) {
  return (
    <div className={`field${error ? " field-invalid" : ""}${className ? ` ${className}` : ""}`}>
      <label htmlFor={id} className="field-label">
        {label}
      </label>
      {hint ? (
        <p id={`${id}-hint`} className="field-hint">
          {hint}
        </p>
      ) : null}
      {children}
      {error ? (
        <p id={`${id}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

function describedBy(id: string, error?: string, hint?: ReactNode): string | undefined {
  const ids = [hint ? `${id}-hint` : "", error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return ids || undefined;
}

type TextFieldProps = Omit<InputHTMLAttributes<HTMLInputElement>, "id" | "onChange"> & {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: ReactNode;
  id?: string;
  fieldClassName?: string;
};

export function TextField({ label, value, onChange, error, hint, id, fieldClassName, ...rest }: TextFieldProps) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <FieldFrame id={inputId} label={label} error={error} hint={hint} className={fieldClassName}>
      <input
        id={inputId}
        className="input"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(inputId, error, hint)}
        {...rest}
      />
    </FieldFrame>
  );
}

type TextAreaProps = Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "id" | "onChange"> & {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  error?: string;
  hint?: ReactNode;
  id?: string;
};

export function TextArea({ label, value, onChange, error, hint, id, ...rest }: TextAreaProps) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <FieldFrame id={inputId} label={label} error={error} hint={hint}>
      <textarea
        id={inputId}
        className="input textarea"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(inputId, error, hint)}
        {...rest}
      />
    </FieldFrame>
  );
}

type SelectFieldProps = Omit<SelectHTMLAttributes<HTMLSelectElement>, "id" | "onChange"> & {
  label: ReactNode;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  placeholder?: string;
  error?: string;
  hint?: ReactNode;
  id?: string;
};

export function SelectField({ label, value, onChange, options, placeholder, error, hint, id, ...rest }: SelectFieldProps) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <FieldFrame id={inputId} label={label} error={error} hint={hint}>
      <select
        id={inputId}
        className="input select"
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-invalid={error ? true : undefined}
        aria-describedby={describedBy(inputId, error, hint)}
        {...rest}
      >
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldFrame>
  );
}

export function Checkbox({
  label,
  checked,
  onChange,
  error,
  id,
  required,
}: {
  label: ReactNode;
  checked: boolean;
  onChange: (checked: boolean) => void;
  error?: string;
  id?: string;
  required?: boolean;
}) {
  const auto = useId();
  const inputId = id ?? auto;
  return (
    <div className={`field field-check${error ? " field-invalid" : ""}`}>
      <input
        id={inputId}
        type="checkbox"
        className="check"
        checked={checked}
        required={required}
        onChange={(event) => onChange(event.target.checked)}
        aria-invalid={error ? true : undefined}
        aria-describedby={error ? `${inputId}-error` : undefined}
      />
      <label htmlFor={inputId} className="check-label">
        {label}
      </label>
      {error ? (
        <p id={`${inputId}-error`} className="field-error">
          {error}
        </p>
      ) : null}
    </div>
  );
}

/** A submit button that says it is busy and cannot be pressed twice. */
export function SubmitButton({ busy, children, busyText, className }: { busy: boolean; children: ReactNode; busyText?: string; className?: string }) {
  return (
    <button type="submit" className={`button button-primary${className ? ` ${className}` : ""}`} disabled={busy} aria-busy={busy || undefined}>
      {busy ? (busyText ?? "Отправка…") : children}
    </button>
  );
}

/** The manual's «Внимание!» and its note on the 1–3 working days payments and readings take. */
export function ProcessingNote() {
  return (
    <p className="note">
      <strong>{PROCESSING_WARNING}</strong> {PROCESSING_NOTE}
    </p>
  );
}
