import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeApi, PROFILE, renderApp } from "../test/helpers";

afterEach(() => vi.unstubAllGlobals());

const OPERATOR = { ...PROFILE, email: "op@crimea-energy.ru", role: "operator" };
const CHALLENGE = { mfa_required: true, mfa_token: "mfa-token-1", expires_in: 300 };
const QUEUE = "GET /api/v1/operator/link-requests?status=pending";

async function password(user: ReturnType<typeof userEvent.setup>) {
  await user.type(await screen.findByLabelText("Адрес электронной почты"), "op@crimea-energy.ru");
  await user.type(screen.getByLabelText("Пароль"), "Пароль-сотрудника-2026");
  await user.click(screen.getByRole("button", { name: "Войти" }));
}

describe("staff sign-in's second step", () => {
  it("asks for the app's code after the password and signs in with it", async () => {
    const seen = fakeApi({
      "POST /api/v1/auth/login": { status: 200, body: CHALLENGE },
      "POST /api/v1/auth/login/mfa": { status: 200, body: { token_type: "Bearer", expires_in: 900 } },
      "GET /api/v1/profile": { status: 200, body: OPERATOR },
      [QUEUE]: { status: 200, body: [] },
      "GET /api/v1/regions": { status: 200, body: [] },
    });
    const user = userEvent.setup();
    renderApp("/");
    await password(user);

    expect(await screen.findByRole("heading", { name: "Подтверждение входа" })).toBeInTheDocument();
    expect(screen.queryByLabelText("Пароль")).toBeNull();
    const code = screen.getByLabelText("Код из приложения");
    expect(code).toHaveFocus();
    expect(code).toHaveAttribute("autocomplete", "one-time-code");
    await user.type(code, "123456");
    await user.click(screen.getByRole("button", { name: "Войти" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Заявки на добавление счетов" })).toBeInTheDocument();
    const second = seen.find((c) => c.url === "/api/v1/auth/login/mfa");
    expect(second?.body).toEqual({ mfa_token: "mfa-token-1", code: "123456" });
    expect(second?.headers["X-Session-Mode"]).toBe("cookie");
    // No profile is asked for between the two steps: there is no session yet.
    expect(seen.filter((c) => c.url === "/api/v1/profile")).toHaveLength(1);
  });

  it("takes a recovery code instead, and says a wrong code without leaving the step", async () => {
    const seen = fakeApi({
      "POST /api/v1/auth/login": { status: 200, body: CHALLENGE },
      "POST /api/v1/auth/login/mfa": [
        { status: 401, body: { status: 401, code: "invalid_mfa_code", detail: "Неверный код. Введите код из приложения-аутентификатора или резервный код" } },
        { status: 200, body: { token_type: "Bearer", expires_in: 900 } },
      ],
      "GET /api/v1/profile": { status: 200, body: OPERATOR },
      [QUEUE]: { status: 200, body: [] },
      "GET /api/v1/regions": { status: 200, body: [] },
    });
    const user = userEvent.setup();
    renderApp("/");
    await password(user);
    await user.click(await screen.findByRole("button", { name: "Использовать резервный код" }));
    await user.type(screen.getByLabelText("Резервный код"), "abcd-efgh-jkmn");
    await user.click(screen.getByRole("button", { name: "Войти" }));

    expect(await screen.findByText(/^Неверный код/)).toBeInTheDocument();
    expect(screen.getByLabelText("Резервный код")).toHaveValue("");
    await user.type(screen.getByLabelText("Резервный код"), "abcd-efgh-jkmp");
    await user.click(screen.getByRole("button", { name: "Войти" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Заявки на добавление счетов" })).toBeInTheDocument();
    const codes = seen.filter((c) => c.url === "/api/v1/auth/login/mfa").map((c) => (c.body as { code: string }).code);
    expect(codes).toEqual(["abcd-efgh-jkmn", "abcd-efgh-jkmp"]);
  });

  it("starts again with the password when the challenge is over", async () => {
    fakeApi({
      "POST /api/v1/auth/login": { status: 200, body: CHALLENGE },
      "POST /api/v1/auth/login/mfa": {
        status: 401,
        body: { status: 401, code: "invalid_mfa_token", detail: "Время для ввода кода истекло или было слишком много неверных кодов. Войдите снова" },
      },
    });
    const user = userEvent.setup();
    renderApp("/");
    await password(user);
    await user.type(await screen.findByLabelText("Код из приложения"), "000000");
    await user.click(screen.getByRole("button", { name: "Войти" }));

    expect(await screen.findByText(/^Время для ввода кода истекло/)).toBeInTheDocument();
    expect(screen.getByRole("heading", { name: "Вход в личный кабинет" })).toBeInTheDocument();
    expect(screen.getByLabelText("Пароль")).toBeInTheDocument();
  });

  it("asks for the code before sending an empty one", async () => {
    const seen = fakeApi({ "POST /api/v1/auth/login": { status: 200, body: CHALLENGE } });
    const user = userEvent.setup();
    renderApp("/");
    await password(user);
    await screen.findByLabelText("Код из приложения");
    await user.click(screen.getByRole("button", { name: "Войти" }));

    expect(await screen.findAllByText("Укажите код из приложения")).not.toHaveLength(0);
    expect(seen.filter((c) => c.url === "/api/v1/auth/login/mfa")).toHaveLength(0);
  });
});
