import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeApi, PROFILE, renderApp, renderRoute, signedInCookie } from "../test/helpers";
import { qrImageSource, secretOf, StaffAcceptPage } from "./StaffAcceptPage";

afterEach(() => vi.unstubAllGlobals());

const SUPERVISOR = { ...PROFILE, user_id: "sup-1", email: "sup@crimea-energy.ru", role: "supervisor" };
const OPERATOR = {
  user_id: "op-1",
  email: "op@crimea-energy.ru",
  role: "operator",
  status: "active",
  mfa_enrolled: true,
  last_sign_in_at: "2026-12-05T08:30:00Z",
};
const ME = { user_id: "sup-1", email: "sup@crimea-energy.ru", role: "supervisor", status: "active", mfa_enrolled: true, last_sign_in_at: null };
const LIST = "GET /api/v1/staff?limit=200";
const URI = "otpauth://totp/%D0%9B%D0%9A%D0%90:new@crimea-energy.ru?secret=JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP&issuer=%D0%9B%D0%9A%D0%90";
const CODES = Array.from({ length: 10 }, (_, i) => `abc${i}-defg-hjkm`);
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><path d="M0 0h1v1h-1z"/></svg>';

function row(email: string) {
  return screen.getByText(email, { selector: ".request-number" }).closest("li") as HTMLElement;
}

describe("«Сотрудники»", () => {
  it("is in a supervisor's menu and lists the staff with what matters about each", async () => {
    signedInCookie();
    fakeApi({ "GET /api/v1/profile": { status: 200, body: SUPERVISOR }, [LIST]: { status: 200, body: [OPERATOR, ME] } });
    renderApp("/operator/staff");

    expect(await screen.findByRole("heading", { level: 1, name: "Сотрудники" })).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Сотрудники" })).toBeInTheDocument();
    await screen.findByText("op@crimea-energy.ru", { selector: ".request-number" });
    const operator = row("op@crimea-energy.ru");
    expect(operator).toHaveTextContent("Оператор");
    expect(operator).toHaveTextContent("Активен");
    expect(operator).toHaveTextContent("Второй фактор: подключен");
    expect(within(operator).getByRole("button", { name: "Отключить" })).toBeInTheDocument();
    // One's own row offers nothing: the API refuses it anyway.
    const own = row("sup@crimea-energy.ru");
    expect(own).toHaveTextContent("Это вы");
    expect(within(own).queryByRole("button")).toBeNull();
  });

  it("is not in an operator's menu and says it is for supervisors", async () => {
    signedInCookie();
    const seen = fakeApi({ "GET /api/v1/profile": { status: 200, body: { ...SUPERVISOR, role: "operator" } } });
    renderApp("/operator/staff");

    expect(await screen.findByText("Управление сотрудниками доступно только старшим операторам.")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Сотрудники" })).toBeNull();
    expect(seen.some((c) => c.url.startsWith("/api/v1/staff"))).toBe(false);
  });

  it("disables only once the dialog is confirmed, then lists anew", async () => {
    signedInCookie();
    const seen = fakeApi({
      "GET /api/v1/profile": { status: 200, body: SUPERVISOR },
      [LIST]: [{ status: 200, body: [OPERATOR, ME] }, { status: 200, body: [{ ...OPERATOR, status: "disabled" }, ME] }],
      "POST /api/v1/staff/op-1/disable": { status: 200, body: { ...OPERATOR, status: "disabled" } },
    });
    const user = userEvent.setup();
    renderApp("/operator/staff");
    await screen.findByText("op@crimea-energy.ru", { selector: ".request-number" });
    await user.click(within(row("op@crimea-energy.ru")).getByRole("button", { name: "Отключить" }));
    const dialog = screen.getByRole("dialog", { name: "Отключить сотрудника?" });
    expect(dialog).toHaveTextContent("все открытые сеансы сотрудника будут сразу завершены");
    await user.click(within(dialog).getByRole("button", { name: "Отмена" }));
    expect(seen.filter((c) => c.method === "POST")).toHaveLength(0);

    await user.click(within(row("op@crimea-energy.ru")).getByRole("button", { name: "Отключить" }));
    await user.click(within(screen.getByRole("dialog", { name: "Отключить сотрудника?" })).getByRole("button", { name: "Отключить" }));

    expect(await screen.findByText("Сотрудник op@crimea-energy.ru отключен")).toBeInTheDocument();
    expect(await within(row("op@crimea-energy.ru")).findByText("Отключен")).toBeInTheDocument();
    expect(within(row("op@crimea-energy.ru")).getByRole("button", { name: "Включить" })).toBeInTheDocument();
    expect(seen.filter((c) => c.method === "POST").map((c) => c.url)).toEqual(["/api/v1/staff/op-1/disable"]);
  });

  it("resets the second factor after saying what it means", async () => {
    signedInCookie();
    const seen = fakeApi({
      "GET /api/v1/profile": { status: 200, body: SUPERVISOR },
      [LIST]: { status: 200, body: [OPERATOR, ME] },
      "POST /api/v1/staff/op-1/reset-mfa": { status: 200, body: { ...OPERATOR, mfa_enrolled: false } },
    });
    const user = userEvent.setup();
    renderApp("/operator/staff");
    await screen.findByText("op@crimea-energy.ru", { selector: ".request-number" });
    await user.click(within(row("op@crimea-energy.ru")).getByRole("button", { name: "Сбросить второй фактор" }));
    const dialog = screen.getByRole("dialog", { name: "Сбросить второй фактор?" });
    expect(dialog).toHaveTextContent("придет письмо со ссылкой");
    await user.click(within(dialog).getByRole("button", { name: "Сбросить" }));

    expect(await screen.findByText(/Второй фактор op@crimea-energy.ru сброшен/)).toBeInTheDocument();
    expect(seen.filter((c) => c.method === "POST").map((c) => c.url)).toEqual(["/api/v1/staff/op-1/reset-mfa"]);
  });

  it("invites by e-mail with a role and says where the letter went", async () => {
    signedInCookie();
    const seen = fakeApi({
      "GET /api/v1/profile": { status: 200, body: SUPERVISOR },
      [LIST]: { status: 200, body: [ME] },
      "POST /api/v1/staff/invitations": {
        status: 201,
        body: { id: "i1", email: "new@crimea-energy.ru", role: "supervisor", expires_at: "2026-12-09T00:00:00Z", message: "Приглашение отправлено на new@crimea-energy.ru" },
      },
    });
    const user = userEvent.setup();
    renderApp("/operator/staff");
    const invite = await screen.findByRole("region", { name: "Пригласить сотрудника" });
    await user.type(within(invite).getByLabelText("Адрес электронной почты"), "new@crimea-energy.ru");
    await user.selectOptions(within(invite).getByLabelText("Роль"), "supervisor");
    await user.click(within(invite).getByRole("button", { name: "Пригласить" }));

    expect(await screen.findByText("Приглашение отправлено на new@crimea-energy.ru")).toBeInTheDocument();
    expect(seen.find((c) => c.url === "/api/v1/staff/invitations")?.body).toEqual({ email: "new@crimea-energy.ru", role: "supervisor" });
  });

  it("says why an invitation is refused", async () => {
    signedInCookie();
    fakeApi({
      "GET /api/v1/profile": { status: 200, body: SUPERVISOR },
      [LIST]: { status: 200, body: [ME] },
      "POST /api/v1/staff/invitations": {
        status: 409,
        body: { status: 409, code: "address_taken", detail: "Этот адрес уже используется учетной записью ЛКА. Сотрудника можно пригласить только на новый адрес" },
      },
    });
    const user = userEvent.setup();
    renderApp("/operator/staff");
    const invite = await screen.findByRole("region", { name: "Пригласить сотрудника" });
    await user.type(within(invite).getByLabelText("Адрес электронной почты"), "abonent@example.ru");
    await user.click(within(invite).getByRole("button", { name: "Пригласить" }));

    expect(await screen.findByText(/^Этот адрес уже используется/)).toBeInTheDocument();
  });
});

describe("«Приглашение сотрудника»", () => {
  it("sets the password, then shows the QR code, the key and ten codes once", async () => {
    const seen = fakeApi({
      "POST /api/v1/staff/invitations/accept": {
        status: 200,
        body: { otpauth_uri: URI, recovery_codes: CODES, qr_svg: SVG, message: "Пароль задан. Добавьте ключ в приложение-аутентификатор и сохраните резервные коды: они показываются один раз" },
      },
    });
    const user = userEvent.setup();
    renderRoute("/staff/accept?token=tok-1", "/staff/accept", <StaffAcceptPage />);
    await user.type(screen.getByLabelText("Пароль"), "Пароль-сотрудника-2026");
    await user.type(screen.getByLabelText("Повторите пароль"), "Пароль-сотрудника-2026");
    await user.click(screen.getByRole("button", { name: "Задать пароль" }));

    expect(await screen.findByRole("heading", { level: 1, name: "Подключение приложения-аутентификатора" })).toBeInTheDocument();
    const qr = screen.getByRole("img", { name: "QR-код для приложения-аутентификатора" });
    expect(qr).toHaveAttribute("src", qrImageSource(SVG));
    expect(qr.getAttribute("src")).toMatch(/^data:image\/svg\+xml;charset=utf-8,%3Csvg/);
    expect(screen.getByText("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP")).toBeInTheDocument();
    expect(screen.getByText(URI)).toBeInTheDocument();
    const codes = screen.getByRole("list", { name: "Резервные коды" });
    expect(within(codes).getAllByRole("listitem").map((item) => item.textContent)).toEqual(CODES);
    expect(screen.getByText("Коды показываются один раз")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Войти" })).toHaveAttribute("href", "/");
    expect(seen[0].body).toEqual({ token: "tok-1", password: "Пароль-сотрудника-2026", password_confirm: "Пароль-сотрудника-2026" });
  });

  it("refuses two different passwords before sending, and says a dead link", async () => {
    const seen = fakeApi({
      "POST /api/v1/staff/invitations/accept": {
        status: 400,
        body: { status: 400, code: "invalid_token", detail: "Ссылка недействительна или устарела. Запросите новую" },
      },
    });
    const user = userEvent.setup();
    renderRoute("/staff/accept?token=tok-1", "/staff/accept", <StaffAcceptPage />);
    await user.type(screen.getByLabelText("Пароль"), "Пароль-сотрудника-2026");
    await user.type(screen.getByLabelText("Повторите пароль"), "Другой-пароль-2026");
    await user.click(screen.getByRole("button", { name: "Задать пароль" }));
    expect(await screen.findByText("Пароли не совпадают")).toBeInTheDocument();
    expect(seen).toHaveLength(0);

    await user.clear(screen.getByLabelText("Повторите пароль"));
    await user.type(screen.getByLabelText("Повторите пароль"), "Пароль-сотрудника-2026");
    await user.click(screen.getByRole("button", { name: "Задать пароль" }));
    expect(await screen.findByText("Ссылка недействительна или устарела. Запросите новую")).toBeInTheDocument();
  });

  it("reads the key out of the enrolment URI", () => {
    expect(secretOf(URI)).toBe("JBSW Y3DP EHPK 3PXP JBSW Y3DP EHPK 3PXP");
    expect(secretOf("not a uri")).toBe("");
  });
});
