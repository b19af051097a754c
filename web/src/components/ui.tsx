// The small pieces every screen is made of, for both sides of the app:
// buttons, labelled fields, notes, loading and empty states, and the error
// note that says what went wrong in the reader's language, never in the
// server's words.
import type { ButtonHTMLAttributes, ComponentChildren } from "preact";
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError } from "../api";
import { t, type Key } from "../i18n";

type ButtonProps = Omit<ButtonHTMLAttributes<HTMLButtonElement>, "type"> & {
  variant?: "primary" | "secondary" | "danger" | "link";
  /** Shows the work in progress and refuses a second press. */
  busy?: boolean;
  block?: boolean;
  type?: "button" | "submit";
  disabled?: boolean;
};

/** A real `<button>`; `type` defaults to "button" so it never submits by surprise. */
export function Button({ variant = "primary", busy, block, type = "button", class: extra, disabled, children, ...rest }: ButtonProps) {
  const classes = [
    variant === "link" ? "button-link" : "btn",
    variant === "secondary" ? "btn-secondary" : "",
    variant === "danger" ? "btn-danger" : "",
    block ? "btn-block" : "",
    typeof extra === "string" ? extra : "",
  ].filter(Boolean);
  return (
    <button {...rest} type={type} class={classes.join(" ")} disabled={disabled || busy} aria-busy={busy ? "true" : undefined}>
      {busy ? <span class="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

let nextId = 0;
/** A stable id for one component instance, to tie labels to inputs. */
export function useId(prefix = "f"): string {
  const ref = useRef<string | null>(null);
  if (!ref.current) ref.current = `${prefix}-${++nextId}`;
  return ref.current;
}

type FieldProps = {
  label: ComponentChildren;
  value: string;
  onValue: (value: string) => void;
  type?: "text" | "password" | "date" | "time" | "number" | "tel" | "search";
  hint?: ComponentChildren;
  error?: string | null;
  multiline?: boolean;
  required?: boolean;
  autoComplete?: string;
  inputMode?: "text" | "numeric" | "tel";
  min?: string;
  max?: string;
  maxLength?: number;
  rows?: number;
  testId?: string;
  autoFocus?: boolean;
  spellcheck?: boolean;
};

/** A labelled text input (or textarea), with an optional hint and error. */
export function Field(props: FieldProps) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  const errorId = props.error ? `${id}-error` : undefined;
  const describedBy = [hintId, errorId].filter(Boolean).join(" ") || undefined;
  const common = {
    id,
    value: props.value,
    required: props.required,
    "aria-describedby": describedBy,
    "aria-invalid": props.error ? ("true" as const) : undefined,
    maxLength: props.maxLength,
    "data-testid": props.testId,
    autoFocus: props.autoFocus,
    spellcheck: props.spellcheck,
  };
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint ? <span class="hint" id={hintId}>{props.hint}</span> : null}
      {props.multiline ? (
        <textarea {...common} rows={props.rows ?? 5} onInput={(e) => props.onValue(e.currentTarget.value)} />
      ) : (
        <input
          {...common}
          // The union of input types is too wide for Preact's typings.
          type={(props.type ?? "text") as "text"}
          autoComplete={props.autoComplete}
          inputMode={props.inputMode}
          min={props.min}
          max={props.max}
          onInput={(e) => props.onValue(e.currentTarget.value)}
        />
      )}
      {props.error ? <span class="field-error" id={errorId}>{props.error}</span> : null}
    </div>
  );
}

type SelectProps<V extends string> = {
  label: ComponentChildren;
  value: V;
  onValue: (value: V) => void;
  options: { value: V; label: string }[];
  hint?: ComponentChildren;
  testId?: string;
};

/** A labelled `<select>`. */
export function SelectField<V extends string>(props: SelectProps<V>) {
  const id = useId();
  const hintId = props.hint ? `${id}-hint` : undefined;
  return (
    <div class="field">
      <label for={id}>{props.label}</label>
      {props.hint ? <span class="hint" id={hintId}>{props.hint}</span> : null}
      <select id={id} value={props.value} aria-describedby={hintId} data-testid={props.testId} onChange={(e) => props.onValue(e.currentTarget.value as V)}>
        {props.options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
}

type ChoicesProps<V extends string> = {
  legend: ComponentChildren;
  name: string;
  value: V;
  onValue: (value: V) => void;
  options: { value: V; label: ComponentChildren }[];
  hint?: ComponentChildren;
};

/** A group of radio buttons in a fieldset, one choice. */
export function Choices<V extends string>(props: ChoicesProps<V>) {
  const id = useId(props.name);
  return (
    <fieldset>
      <legend>{props.legend}</legend>
      {props.hint ? <p class="hint muted small">{props.hint}</p> : null}
      <div class="choices">
        {props.options.map((o) => (
          <label class="choice" key={o.value}>
            <input type="radio" name={id} value={o.value} checked={props.value === o.value} onChange={() => props.onValue(o.value)} />
            <span>{o.label}</span>
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** A labelled checkbox. */
export function Checkbox(props: { label: ComponentChildren; checked: boolean; onValue: (checked: boolean) => void; testId?: string }) {
  return (
    <label class="choice">
      <input type="checkbox" checked={props.checked} data-testid={props.testId} onChange={(e) => props.onValue(e.currentTarget.checked)} />
      <span>{props.label}</span>
    </label>
  );
}

const API_ERRORS: Record<string, Key> = {
  network: "error.network",
  bad_credentials: "error.bad_credentials",
  rate_limited: "error.rate_limited",
  unauthenticated: "error.unauthenticated",
  not_found: "error.not_found",
  not_available: "error.not_available",
  forbidden: "error.forbidden",
  expired: "error.expired",
  payload_too_large: "error.too_large",
  unavailable: "error.unavailable",
  invalid_transition: "error.changed",
  replayed: "error.changed",
  key_in_use: "error.key_in_use",
  invalid_envelope: "error.sealing",
  bad_request: "error.bad_request",
};

/** What went wrong, in the reader's language. Server texts and exception
 *  messages are never shown: they are in English and may say too much. */
export function errorText(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.code === "conflict" && error.status === 409) return t("error.conflict");
    const key = API_ERRORS[error.code];
    if (key) return t(key);
    if (error.status >= 500) return t("error.server");
    return t("error.generic");
  }
  if (error instanceof Error && error.name === "EnvelopeError") return t("error.unreadable");
  if (error instanceof LocalError) return t(error.key);
  return t("error.generic");
}

/** An error the app raises itself, carrying the text to show. */
export class LocalError extends Error {
  constructor(readonly key: Key) {
    super(key);
    this.name = "LocalError";
  }
}

/** Shows an error (or nothing when there is none), announced to screen readers. */
export function ErrorNote({ error, children }: { error: unknown; children?: ComponentChildren }) {
  if (!error) return null;
  return (
    <div class="note note-error" role="alert">
      <p>{errorText(error)}</p>
      {children}
    </div>
  );
}

/** A coloured note: information, good news or a warning. */
export function Notice({ kind = "info", children, testId }: { kind?: "info" | "ok" | "warn" | "error"; children: ComponentChildren; testId?: string }) {
  const cls = kind === "info" ? "note" : `note note-${kind}`;
  return (
    <div class={cls} role={kind === "ok" ? "status" : undefined} data-testid={testId}>
      {children}
    </div>
  );
}

/** Something is on its way. */
export function Loading({ label }: { label?: string }) {
  return (
    <div class="loading" role="status">
      <span class="spinner" aria-hidden="true" />
      <span>{label ?? t("app.loading")}</span>
    </div>
  );
}

/** Nothing to show yet, said kindly. */
export function EmptyState({ children }: { children: ComponentChildren }) {
  return <div class="empty">{children}</div>;
}

/** The screen's heading; takes the focus when the screen opens, so that
 *  keyboard and screen-reader users start at the top of the new screen. */
export function PageTitle({ children, level = 1, focus = true }: { children: ComponentChildren; level?: 1 | 2; focus?: boolean }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    if (focus) ref.current?.focus();
  }, []);
  const Tag = level === 1 ? "h1" : "h2";
  return (
    <Tag ref={ref} tabIndex={-1}>
      {children}
    </Tag>
  );
}

export interface Loaded<T> {
  data: T | undefined;
  error: unknown;
  loading: boolean;
  reload: () => void;
}

/** Runs `load` when `deps` change and keeps its result, its error, and
 *  whether it is running. A late answer for old deps is dropped. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: unknown; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ data: s.data, loading: true }));
    load().then(
      (data) => live && setState({ data, loading: false }),
      (error: unknown) => live && setState({ error, loading: false }),
    );
    return () => {
      live = false;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [...deps, tick]);
  return { data: state.data, error: state.error, loading: state.loading, reload: () => setTick((n) => n + 1) };
}

/**
 * What a form (or a button) sends: `busy` while it runs, so the submit
 * button refuses a second press, and its failure to show. `ready` guards it:
 * when false nothing is sent and nothing cleared. With `leaves`, the screen
 * moves on after success, so it stays busy rather than offer a second send.
 */
export function useSubmit(act: () => Promise<unknown>, options: { ready?: () => boolean; leaves?: boolean } = {}) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  async function submit(e?: Event) {
    e?.preventDefault();
    if (options.ready && !options.ready()) return;
    setBusy(true);
    setError(null);
    try {
      await act();
      if (!options.leaves) setBusy(false);
    } catch (err) {
      setError(err);
      setBusy(false);
    }
  }
  return { busy, error, submit };
}
