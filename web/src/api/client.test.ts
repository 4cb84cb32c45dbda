import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { api, ApiError, fieldKey, parseRetryAfter, problemToError, readCookie, requestFile, retryMessage, setSessionExpiredHandler, UNAVAILABLE } from "./client";

type Call = { url: string; method: string; headers: Record<string, string>; body: string | undefined; credentials: RequestCredentials | undefined };

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(body === null ? null : JSON.stringify(body), {
    status,
    headers: { "Content-Type": status >= 400 ? "application/problem+json" : "application/json", ...headers },
  });
}

/** A fake `fetch` answering from a queue, recording every call. */
function fakeFetch(...answers: (Response | Error)[]) {
  const calls: Call[] = [];
  const fn = vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: String(url),
      method: init?.method ?? "GET",
      headers: (init?.headers ?? {}) as Record<string, string>,
      body: init?.body as string | undefined,
      credentials: init?.credentials,
    });
    const next = answers.shift();
    if (!next) throw new Error("unexpected call");
    if (next instanceof Error) throw next;
    return next;
  });
  vi.stubGlobal("fetch", fn);
  return calls;
}

beforeEach(() => {
  document.cookie = "__Host-lka_csrf=csrf-one; Path=/; Secure";
});

afterEach(() => {
  vi.unstubAllGlobals();
  setSessionExpiredHandler(() => {});
});

describe("requests", () => {
  it("sends JSON to /api/v1 on the same origin with the session's cookies", async () => {
    const calls = fakeFetch(json(200, [{ id: "a" }]));
    const accounts = await api.get<{ id: string }[]>("/accounts");
    expect(accounts).toEqual([{ id: "a" }]);
    expect(calls[0].url).toBe("/api/v1/accounts");
    expect(calls[0].credentials).toBe("same-origin");
  });

  it("echoes the CSRF cookie on unsafe methods only", async () => {
    const calls = fakeFetch(json(200, {}), json(201, {}), json(200, {}), json(200, {}));
    await api.get("/accounts");
    await api.post("/accounts", { number: "1" });
    await api.put("/link-requests/1", { number: "1" });
    await api.delete("/accounts/1");
    expect(calls[0].headers["X-CSRF-Token"]).toBeUndefined();
    expect(calls[1].headers["X-CSRF-Token"]).toBe("csrf-one");
    expect(calls[1].headers["Content-Type"]).toBe("application/json");
    expect(JSON.parse(calls[1].body ?? "")).toEqual({ number: "1" });
    expect(calls[2].headers["X-CSRF-Token"]).toBe("csrf-one");
    expect(calls[3].headers["X-CSRF-Token"]).toBe("csrf-one");
    expect(calls.map((c) => c.method)).toEqual(["GET", "POST", "PUT", "DELETE"]);
  });

  it("sends a multipart form as it is, with the CSRF header and no Content-Type of its own", async () => {
    const calls = fakeFetch(json(201, { id: "a" }));
    const form = new FormData();
    form.append("text", "Вопрос");
    form.append("attachments", new File(["%PDF-1.4"], "акт.pdf", { type: "application/pdf" }));
    await api.postForm("/appeals", form);
    expect(calls[0].method).toBe("POST");
    expect(calls[0].headers["X-CSRF-Token"]).toBe("csrf-one");
    expect(calls[0].headers["Content-Type"]).toBeUndefined();
    expect(calls[0].body).toBe(form);
  });

  it("reads a cookie by its exact name", () => {
    expect(readCookie("__Host-lka_csrf", "a=1; __Host-lka_csrf=x%3Dy; b=2")).toBe("x=y");
    expect(readCookie("__Host-lka_csrf", "x__Host-lka_csrf=no")).toBe("");
  });
});

describe("an expired access cookie", () => {
  it("is refreshed once and the call repeated with the new CSRF token", async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    const calls = fakeFetch(json(401, { status: 401, code: "unauthorized", detail: "Требуется вход" }), json(200, { token_type: "Bearer" }), json(201, { id: "p1" }));
    const refresh = calls; // for readability below
    const original = fetch;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
        const answer = await original(url, init);
        if (String(url).endsWith("/auth/refresh")) document.cookie = "__Host-lka_csrf=csrf-two; Path=/; Secure";
        return answer;
      }),
    );

    const paid = await api.post<{ id: string }>("/payments", { amount: "10.00" }, { headers: { "Idempotency-Key": "k" } });

    expect(paid).toEqual({ id: "p1" });
    expect(refresh.map((c) => `${c.method} ${c.url}`)).toEqual(["POST /api/v1/payments", "POST /api/v1/auth/refresh", "POST /api/v1/payments"]);
    expect(refresh[1].headers["X-Session-Mode"]).toBe("cookie");
    expect(refresh[1].headers["X-CSRF-Token"]).toBe("csrf-one");
    expect(refresh[2].headers["X-CSRF-Token"]).toBe("csrf-two");
    expect(refresh[2].headers["Idempotency-Key"]).toBe("k");
    expect(expired).not.toHaveBeenCalled();
  });

  it("is not refreshed again when another tab renewed the session meanwhile", async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    // The other tab's refresh lands while this call is on its way: new cookies, new CSRF token.
    const calls = fakeFetch(json(401, { code: "unauthorized" }), json(200, [{ id: "a" }]));
    const original = fetch;
    vi.stubGlobal(
      "fetch",
      vi.fn(async (url: RequestInfo | URL, init?: RequestInit) => {
        const answer = await original(url, init);
        document.cookie = "__Host-lka_csrf=csrf-other-tab; Path=/; Secure";
        return answer;
      }),
    );

    const accounts = await api.get<{ id: string }[]>("/accounts");

    expect(accounts).toEqual([{ id: "a" }]);
    // No second use of the refresh cookie, which identity would take for a stolen token.
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/accounts", "/api/v1/accounts"]);
    expect(expired).not.toHaveBeenCalled();
  });

  it("takes the tabs' shared lock to refresh, so two tabs never refresh at once", async () => {
    const requested: string[] = [];
    vi.stubGlobal("navigator", {
      ...navigator,
      locks: {
        request: async (name: string, work: () => Promise<unknown>) => {
          requested.push(name);
          return work();
        },
      },
    });
    fakeFetch(json(401, { code: "unauthorized" }), json(200, {}), json(200, {}));
    await api.get("/profile");
    expect(requested).toEqual(["lka-session-refresh"]);
  });

  it("ends the session when the refresh fails: the app is told, nothing is retried", async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    const calls = fakeFetch(json(401, { code: "unauthorized" }), json(401, { code: "invalid_token", detail: "Сеанс завершен" }));
    await expect(api.get("/accounts")).rejects.toMatchObject({ status: 401, code: "session_expired" });
    expect(calls).toHaveLength(2);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it("is retried only once: a second 401 ends the session", async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    const calls = fakeFetch(json(401, {}), json(200, {}), json(401, {}));
    await expect(api.get("/profile")).rejects.toBeInstanceOf(ApiError);
    expect(calls.map((c) => c.url)).toEqual(["/api/v1/profile", "/api/v1/auth/refresh", "/api/v1/profile"]);
    expect(expired).toHaveBeenCalledTimes(1);
  });

  it("is not refreshed for sign-in itself or a wrong password of another profile", async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    const calls = fakeFetch(
      json(401, { code: "invalid_credentials", detail: "Неверный адрес электронной почты или пароль" }),
      json(401, { code: "invalid_credentials", detail: "Неверный адрес электронной почты или пароль" }),
    );
    await expect(api.post("/auth/login", { email: "a@b.ru", password: "x" })).rejects.toMatchObject({ detail: "Неверный адрес электронной почты или пароль" });
    await expect(api.post("/profile/merge", { email: "a@b.ru", password: "x" })).rejects.toMatchObject({ code: "invalid_credentials" });
    expect(calls).toHaveLength(2);
    expect(expired).not.toHaveBeenCalled();
  });

  it("can be left to the caller (no redirect) while still refreshing", async () => {
    const expired = vi.fn();
    setSessionExpiredHandler(expired);
    fakeFetch(json(401, {}), json(401, {}));
    await expect(api.get("/profile", { redirect: false })).rejects.toMatchObject({ status: 401 });
    expect(expired).not.toHaveBeenCalled();
  });
});

describe("problems", () => {
  it("puts errors[] by field, without the request part", async () => {
    fakeFetch(
      json(422, {
        status: 422,
        code: "weak_password",
        detail: "Пароль должен содержать не менее 8 символов",
        errors: [
          { field: "body.password", message: "Пароль должен содержать не менее 8 символов" },
          { field: "password_confirm", message: "Пароли не совпадают" },
          { field: "values.T1", message: "Показание T1 меньше предыдущего" },
        ],
      }),
    );
    const error = await api.post("/auth/register", {}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    const problem = error as ApiError;
    expect(problem.status).toBe(422);
    expect(problem.code).toBe("weak_password");
    expect(problem.fields).toEqual({
      password: "Пароль должен содержать не менее 8 символов",
      password_confirm: "Пароли не совпадают",
      "values.T1": "Показание T1 меньше предыдущего",
    });
    expect(problem.unclaimed(["password", "password_confirm"])).toEqual(["Показание T1 меньше предыдущего"]);
  });

  it("maps field names", () => {
    expect(fieldKey("body.password")).toBe("password");
    expect(fieldKey("body.values.T2")).toBe("values.T2");
    expect(fieldKey("query.limit")).toBe("limit");
    expect(fieldKey("email")).toBe("email");
  });

  it("says 429 with the wait from Retry-After", async () => {
    fakeFetch(json(429, { code: "too_many_attempts", detail: "Слишком много неудачных попыток" }, { "Retry-After": "120" }));
    const error = (await api.post("/auth/login", {}).catch((e: unknown) => e)) as ApiError;
    expect(error.status).toBe(429);
    expect(error.retryAfter).toBe(120);
    expect(error.detail).toBe("Слишком много запросов. Повторите попытку через 2 минуты");
  });

  it("writes the wait in Russian", () => {
    expect(retryMessage(1)).toBe("Слишком много запросов. Повторите попытку через 1 секунду");
    expect(retryMessage(3)).toBe("Слишком много запросов. Повторите попытку через 3 секунды");
    expect(retryMessage(45)).toBe("Слишком много запросов. Повторите попытку через 45 секунд");
    expect(retryMessage(3600)).toBe("Слишком много запросов. Повторите попытку через 60 минут");
    expect(retryMessage(null)).toBe("Слишком много запросов. Повторите попытку позже");
    expect(parseRetryAfter("Wed, 21 Oct 2026 07:28:30 GMT", Date.parse("Wed, 21 Oct 2026 07:28:00 GMT"))).toBe(30);
  });

  it("never shows a raw error: network failures and 5xx are a calm sentence", async () => {
    fakeFetch(new TypeError("Failed to fetch"), new Response("<html>Bad Gateway</html>", { status: 502 }), json(500, { detail: "Traceback (most recent call last)" }));
    for (const path of ["/accounts", "/accounts", "/accounts"]) {
      const error = (await api.get(path).catch((e: unknown) => e)) as ApiError;
      expect(error).toBeInstanceOf(ApiError);
      expect(error.detail).toBe(UNAVAILABLE);
    }
  });

  it("keeps only Russian text from a problem", () => {
    const english = problemToError(404, { detail: "Not Found", errors: [{ field: "x", message: "Field required" }] }, null);
    expect(english.detail).toBe("Не найдено");
    expect(english.fields).toEqual({});
    const noBody = problemToError(403, "<html>", null);
    expect(noBody.detail).toBe("Недостаточно прав");
  });
});

describe("a file (a bill's PDF)", () => {
  const pdf = () =>
    new Response("%PDF-1.7 …", { status: 200, headers: { "Content-Type": "application/pdf", "Content-Disposition": 'inline; filename="kvitanciya-1-2026-11.pdf"' } });

  it("comes with its bytes and the server's name for it, after one refresh of an expired session", async () => {
    const calls = fakeFetch(json(401, { code: "token_expired", detail: "Срок действия сеанса истек" }), json(200, {}), pdf());
    const file = await requestFile("/accounts/a1/bills/B-1.pdf", "application/pdf");
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual([
      "GET /api/v1/accounts/a1/bills/B-1.pdf",
      "POST /api/v1/auth/refresh",
      "GET /api/v1/accounts/a1/bills/B-1.pdf",
    ]);
    expect(calls[0].headers.Accept).toBe("application/pdf, application/problem+json");
    expect(calls[0].credentials).toBe("same-origin");
    expect(await file.blob.text()).toMatch(/^%PDF/);
    expect(file.disposition).toBe('inline; filename="kvitanciya-1-2026-11.pdf"');
  });

  it("fails with the API's Russian detail", async () => {
    fakeFetch(json(404, { code: "not_found", detail: "Квитанция не найдена" }));
    await expect(requestFile("/accounts/a1/bills/B-2.pdf", "application/pdf")).rejects.toMatchObject({ status: 404, detail: "Квитанция не найдена" });
  });
});
