import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { MemoryRouter, Route, Routes } from "react-router";
import { vi } from "vitest";

import { AppRoutes } from "../App";
import { SessionProvider } from "../session/session";

export type Answer = { status: number; body?: unknown; headers?: Record<string, string> };
export type Seen = { method: string; url: string; headers: Record<string, string>; body: unknown };

/**
 * A fake backend: `routes` maps "METHOD /api/v1/path" to an answer, or to a list of answers
 * given in turn (the last one repeats). Every call is recorded.
 */
export function fakeApi(routes: Record<string, Answer | Answer[]>) {
  const seen: Seen[] = [];
  const fn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    const method = init?.method ?? "GET";
    const path = String(url);
    seen.push({ method, url: path, headers: (init?.headers ?? {}) as Record<string, string>, body: init?.body ? JSON.parse(String(init.body)) : undefined });
    const key = `${method} ${path}`;
    const entry = routes[key];
    if (!entry) return new Response(JSON.stringify({ status: 404, code: "not_found", detail: "Не найдено" }), { status: 404 });
    const answer = Array.isArray(entry) ? (entry.length > 1 ? entry.shift()! : entry[0]) : entry;
    const body = answer.body === undefined ? null : JSON.stringify(answer.body);
    return new Response(body, { status: answer.status, headers: { "Content-Type": "application/json", ...answer.headers } });
  });
  vi.stubGlobal("fetch", fn);
  return seen;
}

export function renderRoute(path: string, pattern: string, element: ReactElement) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <Routes>
        <Route path={pattern} element={element} />
      </Routes>
    </MemoryRouter>,
  );
}

export function renderApp(path: string) {
  return render(
    <MemoryRouter initialEntries={[path]}>
      <SessionProvider>
        <AppRoutes />
      </SessionProvider>
    </MemoryRouter>,
  );
}

export function signedInCookie() {
  document.cookie = "__Host-lka_csrf=test-csrf; Path=/; Secure";
}

export const PROFILE = { user_id: "u1", email: "ivanov@example.ru", email_confirmed: true, created_at: "2026-11-01T10:00:00Z", role: "subscriber" };

export const ACCOUNT = {
  id: "acc-1",
  region: { code: "simferopol", name: "Городской округ Симферополь" },
  number: "91000101",
  address: "г. Симферополь, ул. Киевская, д. 12, кв. 5",
  debt: "1523.40",
  penalty: "0.00",
  amount_due: "1523.40",
  balance_as_of: "2026-11-01T00:00:00Z",
  pending_payments: "0.00",
};
