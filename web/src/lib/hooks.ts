/** Loading data and sending forms, with the states a page shows. */

import { useCallback, useEffect, useRef, useState } from "react";

import { ApiError, messageOf } from "../api/client";
import { isPhoneAgent, PHONE_MEDIA } from "./userAgent";

export interface Loaded<T> {
  data: T | undefined;
  error: string | null;
  loading: boolean;
  reload: () => Promise<void>;
}

/** `load()` on mount and whenever `deps` change; the newest answer wins. */
export function useLoad<T>(load: (() => Promise<T>) | null, deps: unknown[]): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(load !== null);
  const generation = useRef(0);
  const latest = useRef(load);
  latest.current = load;

  const reload = useCallback(async () => {
    const fn = latest.current;
    if (!fn) {
      setLoading(false);
      return;
    }
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    try {
      const value = await fn();
      if (mine === generation.current) setData(value);
    } catch (caught) {
      if (mine === generation.current) setError(messageOf(caught));
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    if (latest.current) {
      setData(undefined);
      void reload();
    } else {
      setLoading(false);
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return { data, error, loading, reload };
}

export interface Submission {
  busy: boolean;
  /** The failure's general text (its `detail`, or what no field claimed). */
  error: string | null;
  /** Field errors by input name. */
  fields: Record<string, string>;
  success: string | null;
  run<T>(action: () => Promise<T>, onDone?: (value: T) => string | null | void): Promise<T | undefined>;
  fail(message: string | null, fields?: Record<string, string>): void;
  reset(): void;
}

/**
 * One form's sending: busy while the call runs, the API's field errors mapped to the inputs
 * named in `known`, everything else in the form's alert.
 */
export function useSubmit(known: readonly string[] = []): Submission {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [success, setSuccess] = useState<string | null>(null);
  const knownRef = useRef(known);
  knownRef.current = known;

  const run = useCallback(async <T,>(action: () => Promise<T>, onDone?: (value: T) => string | null | void) => {
    setBusy(true);
    setError(null);
    setFields({});
    setSuccess(null);
    try {
      const value = await action();
      const message = onDone?.(value);
      if (typeof message === "string") setSuccess(message);
      return value;
    } catch (caught) {
      if (caught instanceof ApiError) {
        const mine: Record<string, string> = {};
        for (const [field, message] of Object.entries(caught.fields)) {
          if (knownRef.current.includes(field)) mine[field] = message;
        }
        setFields(mine);
        const rest = caught.unclaimed(knownRef.current).filter((m) => m !== caught.detail);
        if (Object.keys(mine).length > 0 && rest.length === 0) {
          // Every problem is next to its input; the alert only points there.
          setError("Проверьте правильность заполнения полей");
        } else {
          setError([caught.detail, ...rest].join(". "));
        }
      } else {
        setError(messageOf(caught));
      }
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);

  const fail = useCallback((message: string | null, fieldErrors: Record<string, string> = {}) => {
    setError(message);
    setFields(fieldErrors);
    setSuccess(null);
  }, []);

  const reset = useCallback(() => {
    setError(null);
    setFields({});
    setSuccess(null);
  }, []);

  return { busy, error, fields, success, run, fail, reset };
}

function narrowScreen(): boolean {
  return typeof window !== "undefined" && typeof window.matchMedia === "function" && window.matchMedia(PHONE_MEDIA).matches;
}

/** Whether this is a phone: a mobile User-Agent, or a screen as narrow as one (follows a resize). */
export function useIsPhone(): boolean {
  const agent = typeof navigator === "undefined" ? "" : navigator.userAgent;
  const [narrow, setNarrow] = useState(narrowScreen);
  useEffect(() => {
    if (typeof window === "undefined" || typeof window.matchMedia !== "function") return;
    const query = window.matchMedia(PHONE_MEDIA);
    const changed = () => setNarrow(query.matches);
    changed();
    query.addEventListener?.("change", changed);
    return () => query.removeEventListener?.("change", changed);
  }, []);
  return narrow || isPhoneAgent(agent);
}
