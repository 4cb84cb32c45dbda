import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { SESSION_ENDED_NOTICE } from "./session/session";
import { ACCOUNT, fakeApi, PROFILE, renderApp, signedInCookie } from "./test/helpers";

afterEach(() => vi.unstubAllGlobals());

describe("routes and the session", () => {
  it("sends a signed-out visitor of a private page to «Авторизация» without asking the API", async () => {
    const seen = fakeApi({});
    renderApp("/accounts");
    expect(await screen.findByRole("heading", { level: 1, name: "Авторизация" })).toBeInTheDocument();
    expect(seen).toHaveLength(0);
  });

  it("signs in with a cookie session and lands on «Мои счета»", async () => {
    const seen = fakeApi({
      "POST /api/v1/auth/login": { status: 200, body: { token_type: "Bearer", expires_in: 900 } },
      "GET /api/v1/profile": { status: 200, body: PROFILE },
      "GET /api/v1/accounts": { status: 200, body: [ACCOUNT] },
      "GET /api/v1/link-requests": { status: 200, body: [] },
      "GET /api/v1/regions": { status: 200, body: [{ code: "simferopol", name: "Городской округ Симферополь" }] },
    });
    const user = userEvent.setup();
    renderApp("/");
    await user.type(await screen.findByLabelText("Адрес электронной почты"), "ivanov@example.ru");
    await user.type(screen.getByLabelText("Пароль"), "Синий-трамвай-2026");
    await user.click(screen.getByRole("button", { name: "Войти" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Мои счета" })).toBeInTheDocument();
    expect(await screen.findByText("Лицевой счет № 91000101")).toBeInTheDocument();
    expect(screen.getByText("Задолженность")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Выход" })).toBeInTheDocument();
    const login = seen.find((c) => c.url === "/api/v1/auth/login");
    expect(login?.headers["X-Session-Mode"]).toBe("cookie");
  });

  it("goes to sign-in, says why and remembers the page when the session cannot be renewed", async () => {
    signedInCookie();
    const seen = fakeApi({
      "GET /api/v1/profile": { status: 200, body: PROFILE },
      "GET /api/v1/accounts": { status: 401, body: { code: "unauthorized" } },
      "GET /api/v1/link-requests": { status: 401, body: { code: "unauthorized" } },
      "GET /api/v1/regions": { status: 200, body: [] },
      "POST /api/v1/auth/refresh": { status: 401, body: { code: "session_expired" } },
      "POST /api/v1/auth/logout": { status: 401, body: { code: "unauthorized" } },
      "POST /api/v1/auth/login": { status: 200, body: { token_type: "Bearer", expires_in: 900 } },
    });
    const user = userEvent.setup();
    renderApp("/accounts");
    expect(await screen.findByRole("heading", { level: 1, name: "Авторизация" })).toBeInTheDocument();
    expect(await screen.findByText(SESSION_ENDED_NOTICE)).toBeInTheDocument();
    expect(seen.some((c) => c.url === "/api/v1/auth/refresh" && c.headers["X-CSRF-Token"] === "test-csrf")).toBe(true);
    // The stale cookies are dropped once (the gateway clears them whatever identity answers).
    expect(seen.filter((c) => c.url === "/api/v1/auth/logout")).toHaveLength(1);
    await user.type(screen.getByLabelText("Адрес электронной почты"), "ivanov@example.ru");
    await user.type(screen.getByLabelText("Пароль"), "Синий-трамвай-2026");
    fakeApi({
      "POST /api/v1/auth/login": { status: 200, body: { token_type: "Bearer", expires_in: 900 } },
      "GET /api/v1/profile": { status: 200, body: PROFILE },
      "GET /api/v1/accounts": { status: 200, body: [] },
      "GET /api/v1/link-requests": { status: 200, body: [] },
      "GET /api/v1/regions": { status: 200, body: [] },
    });
    await user.click(screen.getByRole("button", { name: "Войти" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Мои счета" })).toBeInTheDocument();
  });

  it("says why when the page is opened on a session ended elsewhere", async () => {
    signedInCookie();
    fakeApi({
      "GET /api/v1/profile": { status: 401, body: { code: "unauthorized" } },
      "POST /api/v1/auth/refresh": { status: 401, body: { code: "session_expired" } },
      "POST /api/v1/auth/logout": { status: 401, body: { code: "unauthorized" } },
    });
    renderApp("/payments");
    expect(await screen.findByRole("heading", { level: 1, name: "Авторизация" })).toBeInTheDocument();
    expect(await screen.findByText(SESSION_ENDED_NOTICE)).toBeInTheDocument();
  });

  it("opens the page asked for signed out once signed in", async () => {
    fakeApi({
      "POST /api/v1/auth/login": { status: 200, body: { token_type: "Bearer", expires_in: 900 } },
      "GET /api/v1/profile": { status: 200, body: PROFILE },
      "GET /api/v1/accounts": { status: 200, body: [] },
      "GET /api/v1/regions": { status: 200, body: [] },
    });
    const user = userEvent.setup();
    renderApp("/payments");
    await user.type(await screen.findByLabelText("Адрес электронной почты"), "ivanov@example.ru");
    await user.type(screen.getByLabelText("Пароль"), "Синий-трамвай-2026");
    await user.click(screen.getByRole("button", { name: "Войти" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Платежи" })).toBeInTheDocument();
    expect(screen.queryByText(SESSION_ENDED_NOTICE)).toBeNull();
  });

  it("shows the operator's menu to an operator only", async () => {
    signedInCookie();
    fakeApi({
      "GET /api/v1/profile": { status: 200, body: { ...PROFILE, role: "operator" } },
      "GET /api/v1/operator/link-requests?status=pending": { status: 200, body: [] },
      "GET /api/v1/regions": { status: 200, body: [] },
    });
    renderApp("/operator/link-requests");
    expect(await screen.findByRole("heading", { level: 1, name: "Заявки на добавление счетов" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Обращения" })).toBeInTheDocument();
    // Staff are not subscribers: no accounts, payments or readings of their own to offer; their
    // «Платежи» is the lookup of subscribers' payments.
    expect(screen.queryByRole("link", { name: "Мои счета" })).toBeNull();
    expect(screen.getByRole("link", { name: "Платежи" })).toHaveAttribute("href", "/operator/payments");
  });

  it("loads the queue anew when «Заявки» is followed again", async () => {
    signedInCookie();
    const request = { id: "r1", user_id: "u2", region_code: "yalta", number: "91000202", status: "pending", comment: null, created_at: "2026-12-01T10:00:00Z", updated_at: "2026-12-01T10:00:00Z" };
    fakeApi({
      "GET /api/v1/profile": { status: 200, body: { ...PROFILE, role: "operator" } },
      "GET /api/v1/operator/link-requests?status=pending": [{ status: 200, body: [] }, { status: 200, body: [request] }],
      "GET /api/v1/regions": { status: 200, body: [] },
    });
    renderApp("/operator/link-requests");
    expect(await screen.findByText("Заявок нет.")).toBeInTheDocument();
    screen.getByRole("link", { name: "Заявки" }).click();
    expect(await screen.findByText("Лицевой счет № 91000202")).toBeInTheDocument();
  });

  it("takes staff from a subscriber's page to their work queue", async () => {
    signedInCookie();
    fakeApi({
      "GET /api/v1/profile": { status: 200, body: { ...PROFILE, role: "supervisor" } },
      "GET /api/v1/operator/link-requests?status=pending": { status: 200, body: [] },
      "GET /api/v1/regions": { status: 200, body: [] },
    });
    renderApp("/accounts");
    expect(await screen.findByRole("heading", { level: 1, name: "Заявки на добавление счетов" })).toBeInTheDocument();
  });

  it("says «Страница не найдена» for an unknown address", async () => {
    fakeApi({});
    renderApp("/no/such/page");
    expect(await screen.findByRole("heading", { level: 1, name: "Страница не найдена" })).toBeInTheDocument();
  });

  it("signs out with the CSRF header and forgets the profile", async () => {
    signedInCookie();
    const seen = fakeApi({
      "GET /api/v1/profile": { status: 200, body: PROFILE },
      "GET /api/v1/accounts": { status: 200, body: [] },
      "GET /api/v1/link-requests": { status: 200, body: [] },
      "GET /api/v1/regions": { status: 200, body: [] },
      "POST /api/v1/auth/logout": { status: 204 },
    });
    const user = userEvent.setup();
    renderApp("/accounts");
    await user.click(await screen.findByRole("button", { name: "Выход" }));
    expect(await screen.findByRole("heading", { level: 1, name: "Авторизация" })).toBeInTheDocument();
    const logout = seen.find((c) => c.url === "/api/v1/auth/logout");
    expect(logout?.method).toBe("POST");
    expect(logout?.headers["X-CSRF-Token"]).toBe("test-csrf");
  });
});
