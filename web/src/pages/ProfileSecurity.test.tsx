import { screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeApi, PROFILE, renderApp, signedInCookie, type Answer } from "../test/helpers";

afterEach(() => vi.unstubAllGlobals());

const CHROME = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36";
const FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0";
const THIS = { id: "s-1", created_at: "2026-12-07T07:00:00Z", last_seen_at: "2026-12-07T08:15:00Z", client_address: "198.51.100.7", user_agent: CHROME, current: true };
const OTHER = { id: "s-2", created_at: "2026-12-06T16:30:00Z", last_seen_at: "2026-12-06T17:00:00Z", client_address: "203.0.113.9", user_agent: FIREFOX, current: false };
const LETTERS = { reading_window: true, verification_due: true, debt: true, bill_issued: true, payment_receipts: true, new_sign_in: true };
const REQUESTED = "Если этот адрес можно использовать, на него отправлено письмо со ссылкой для подтверждения. Адрес изменится, когда Вы перейдете по ссылке";

function backend(extra: Record<string, Answer | Answer[]> = {}) {
  signedInCookie();
  return fakeApi({
    "GET /api/v1/profile": { status: 200, body: PROFILE },
    "GET /api/v1/profile/sessions": { status: 200, body: [THIS, OTHER] },
    "GET /api/v1/profile/notifications": { status: 200, body: LETTERS },
    ...extra,
  });
}

describe("«Сеансы»", () => {
  it("lists each session with its browser, times and address, and marks this one", async () => {
    backend();
    renderApp("/profile");
    const list = await screen.findByRole("list", { name: "Сеансы" });
    const [mine, other] = within(list).getAllByRole("listitem");
    expect(mine).toHaveTextContent("Chrome, Windows");
    expect(mine).toHaveTextContent("Этот сеанс");
    expect(mine).toHaveTextContent("198.51.100.7");
    expect(mine).toHaveTextContent("07.12.2026");
    expect(within(mine).queryByRole("button", { name: "Завершить" })).toBeNull();
    expect(other).toHaveTextContent("Firefox, Linux");
    expect(other).toHaveTextContent("203.0.113.9");
    expect(other).not.toHaveTextContent("Этот сеанс");
  });

  it("ends one session and shows the list again", async () => {
    const seen = backend({
      "GET /api/v1/profile/sessions": [
        { status: 200, body: [THIS, OTHER] },
        { status: 200, body: [THIS] },
      ],
      "DELETE /api/v1/profile/sessions/s-2": { status: 204 },
    });
    const user = userEvent.setup();
    renderApp("/profile");
    const list = await screen.findByRole("list", { name: "Сеансы" });
    const other = within(list).getAllByRole("listitem")[1];
    const end = within(other).getByRole("button", { name: "Завершить" });
    expect(end).toHaveAccessibleDescription("Firefox, Linux");
    await user.click(end);

    expect(await screen.findByText("Сеанс завершен")).toBeInTheDocument();
    await waitFor(() => expect(within(screen.getByRole("list", { name: "Сеансы" })).getAllByRole("listitem")).toHaveLength(1));
    const deleted = seen.find((c) => c.method === "DELETE");
    expect(deleted?.url).toBe("/api/v1/profile/sessions/s-2");
    expect(deleted?.headers["X-CSRF-Token"]).toBe("test-csrf");
    expect(screen.queryByRole("button", { name: "Завершить все другие" })).toBeNull();
  });

  it("asks before ending all other sessions, and sends nothing on «Отмена»", async () => {
    const seen = backend({ "DELETE /api/v1/profile/sessions": { status: 204 } });
    const user = userEvent.setup();
    renderApp("/profile");
    await user.click(await screen.findByRole("button", { name: "Завершить все другие" }));
    let dialog = screen.getByRole("dialog", { name: "Завершить все другие сеансы?" });
    expect(dialog).toHaveTextContent("кроме этого");
    await user.click(within(dialog).getByRole("button", { name: "Отмена" }));
    expect(seen.some((c) => c.method === "DELETE")).toBe(false);

    await user.click(screen.getByRole("button", { name: "Завершить все другие" }));
    dialog = screen.getByRole("dialog", { name: "Завершить все другие сеансы?" });
    await user.click(within(dialog).getByRole("button", { name: "Завершить" }));
    expect(await screen.findByText("Все другие сеансы завершены")).toBeInTheDocument();
    expect(seen.filter((c) => c.method === "DELETE").map((c) => c.url)).toEqual(["/api/v1/profile/sessions"]);
  });
});

describe("«Адрес электронной почты»", () => {
  it("asks for the new address and the current password, and says what happens next", async () => {
    const seen = backend({ "POST /api/v1/profile/email": { status: 202, body: { message: REQUESTED } } });
    const user = userEvent.setup();
    renderApp("/profile");
    const form = await screen.findByRole("region", { name: "Адрес электронной почты" });
    expect(form).toHaveTextContent("ivanov@example.ru");
    await user.click(within(form).getByRole("button", { name: "Изменить адрес" }));
    expect(within(form).getByText("Укажите новый адрес электронной почты")).toBeInTheDocument();
    expect(within(form).getByText("Укажите текущий пароль")).toBeInTheDocument();

    await user.type(within(form).getByLabelText("Новый адрес электронной почты"), " petrov@example.ru ");
    await user.type(within(form).getByLabelText("Текущий пароль"), "Синий-трамвай-2026");
    await user.click(within(form).getByRole("button", { name: "Изменить адрес" }));

    expect(await within(form).findByText(REQUESTED)).toBeInTheDocument();
    expect(seen.find((c) => c.url === "/api/v1/profile/email")?.body).toEqual({ new_email: "petrov@example.ru", password: "Синий-трамвай-2026" });
    expect(within(form).getByLabelText("Текущий пароль")).toHaveValue("");
  });

  it("shows a wrong password at its field", async () => {
    backend({
      "POST /api/v1/profile/email": {
        status: 422,
        body: { code: "invalid_current_password", detail: "Неверный текущий пароль", errors: [{ field: "body.password", message: "Неверный текущий пароль" }] },
      },
    });
    const user = userEvent.setup();
    renderApp("/profile");
    const form = await screen.findByRole("region", { name: "Адрес электронной почты" });
    await user.type(within(form).getByLabelText("Новый адрес электронной почты"), "petrov@example.ru");
    await user.type(within(form).getByLabelText("Текущий пароль"), "не тот");
    await user.click(within(form).getByRole("button", { name: "Изменить адрес" }));
    expect(await within(form).findByLabelText("Текущий пароль")).toHaveAccessibleDescription("Неверный текущий пароль");
  });

  it("is not offered to staff, whose addresses the supplier manages", async () => {
    backend({ "GET /api/v1/profile": { status: 200, body: { ...PROFILE, role: "operator" } } });
    renderApp("/profile");
    await screen.findByRole("region", { name: "Сеансы" });
    expect(screen.queryByRole("region", { name: "Адрес электронной почты" })).toBeNull();
    const letters = await screen.findByRole("region", { name: "Уведомления" });
    expect(within(letters).getAllByRole("checkbox")).toHaveLength(1);
  });
});

describe("«Уведомления»", () => {
  it("shows every letter on by default and saves what is turned off", async () => {
    const seen = backend({ "PUT /api/v1/profile/notifications": { status: 200, body: { ...LETTERS, debt: false, new_sign_in: false } } });
    const user = userEvent.setup();
    renderApp("/profile");
    const section = await screen.findByRole("region", { name: "Уведомления" });
    const boxes = await within(section).findAllByRole("checkbox");
    expect(boxes).toHaveLength(6);
    boxes.forEach((box) => expect(box).toBeChecked());
    expect(boxes.map((box) => (box as HTMLInputElement).labels?.[0]?.textContent)).toEqual([
      "Напоминания о передаче показаний",
      "Напоминания о поверке прибора учета",
      "Напоминания о задолженности",
      "Уведомления о новых квитанциях",
      "Квитанции об оплате",
      "Вход с нового браузера или устройства",
    ]);
    expect(within(section).getByText(/без этих писем квитанции будут только в личном кабинете/)).toBeInTheDocument();
    await user.click(within(section).getByRole("checkbox", { name: "Напоминания о задолженности" }));
    await user.click(within(section).getByRole("checkbox", { name: "Вход с нового браузера или устройства" }));
    await user.click(within(section).getByRole("button", { name: "Сохранить" }));

    expect(await within(section).findByText("Настройки уведомлений сохранены")).toBeInTheDocument();
    expect(seen.find((c) => c.method === "PUT")?.body).toEqual({ ...LETTERS, debt: false, new_sign_in: false });
    expect(within(section).getByRole("checkbox", { name: "Напоминания о задолженности" })).not.toBeChecked();
    expect(within(section).getByRole("checkbox", { name: "Напоминания о передаче показаний" })).toBeChecked();
  });
});

describe("the link of the letter to a new address", () => {
  it("confirms once, renews the session and shows the new address", async () => {
    const seen = backend({
      "POST /api/v1/profile/email/confirm": { status: 200, body: { message: "Адрес электронной почты изменен" } },
      "POST /api/v1/auth/refresh": { status: 200, body: { token_type: "Bearer", expires_in: 900 } },
    });
    renderApp("/confirm-email-change?token=Abc-123_x");
    expect(await screen.findByText("Адрес электронной почты изменен")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Перейти в профиль" })).toHaveAttribute("href", "/profile");
    await waitFor(() => expect(seen.some((c) => c.url === "/api/v1/auth/refresh")).toBe(true));
    expect(seen.filter((c) => c.url === "/api/v1/profile/email/confirm").map((c) => c.body)).toEqual([{ token: "Abc-123_x" }]);
  });

  it("says why a dead link does nothing", async () => {
    backend({
      "POST /api/v1/profile/email/confirm": { status: 400, body: { code: "invalid_token", detail: "Ссылка недействительна или устарела. Запросите новую" } },
    });
    renderApp("/confirm-email-change?token=old");
    expect(await screen.findByRole("alert")).toHaveTextContent("Ссылка недействительна или устарела");
  });

  it("asks a signed-out visitor to sign in first and remembers the link", async () => {
    fakeApi({});
    renderApp("/confirm-email-change?token=Abc");
    expect(await screen.findByRole("heading", { level: 1, name: "Авторизация" })).toBeInTheDocument();
  });
});
