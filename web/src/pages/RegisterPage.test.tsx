import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeApi, renderRoute } from "../test/helpers";
import { checkRegistration, CONSENT_REQUIRED, RegisterPage } from "./RegisterPage";

const REGISTERED =
  "Создана учетная запись в сервисе «Личный кабинет абонента» ГУП РК «Крымэнерго». На указанный адрес электронной почты будет направлено письмо для подтверждения почтового ящика.";

afterEach(() => vi.unstubAllGlobals());

async function fill(user: ReturnType<typeof userEvent.setup>) {
  await user.type(screen.getByLabelText("Адрес электронной почты"), "ivanov@example.ru");
  await user.type(screen.getByLabelText(/^Пароль/), "Синий-трамвай-2026");
  await user.type(screen.getByLabelText("Повторите пароль"), "Синий-трамвай-2026");
}

describe("registration", () => {
  it("cannot be sent without the personal-data consent", async () => {
    const seen = fakeApi({});
    const user = userEvent.setup();
    renderRoute("/register", "/register", <RegisterPage />);
    await fill(user);
    await user.click(screen.getByRole("button", { name: "Зарегистрировать" }));

    const consent = screen.getByRole("checkbox", { name: /согласие/ });
    expect(consent).toHaveAttribute("aria-invalid", "true");
    expect(consent).toHaveAccessibleDescription(CONSENT_REQUIRED);
    expect(seen).toHaveLength(0);
  });

  it("sends the consent and shows the API's message and the address", async () => {
    const seen = fakeApi({ "POST /api/v1/auth/register": { status: 201, body: { message: REGISTERED } } });
    const user = userEvent.setup();
    renderRoute("/register", "/register", <RegisterPage />);
    await fill(user);
    await user.click(screen.getByRole("checkbox", { name: /согласие/ }));
    await user.click(screen.getByRole("button", { name: "Зарегистрировать" }));

    expect(await screen.findByText(REGISTERED)).toBeInTheDocument();
    // The address the letter went to, as typed.
    expect(screen.getByText(/^Письмо для подтверждения отправлено на адрес/)).toHaveTextContent(
      "Письмо для подтверждения отправлено на адрес ivanov@example.ru",
    );
    expect(seen[0].body).toEqual({
      email: "ivanov@example.ru",
      password: "Синий-трамвай-2026",
      password_confirm: "Синий-трамвай-2026",
      personal_data_consent: true,
    });
    expect(screen.queryByRole("button", { name: "Зарегистрировать" })).not.toBeInTheDocument();
  });

  it("shows the API's refusal next to the password", async () => {
    fakeApi({
      "POST /api/v1/auth/register": {
        status: 422,
        body: { code: "weak_password", detail: "Этот пароль слишком распространен", errors: [{ field: "body.password", message: "Этот пароль слишком распространен и легко подбирается. Выберите другой" }] },
      },
    });
    const user = userEvent.setup();
    renderRoute("/register", "/register", <RegisterPage />);
    await fill(user);
    await user.click(screen.getByRole("checkbox", { name: /согласие/ }));
    await user.click(screen.getByRole("button", { name: "Зарегистрировать" }));

    const password = await screen.findByLabelText(/^Пароль/);
    expect(await screen.findByText("Этот пароль слишком распространен и легко подбирается. Выберите другой")).toBeInTheDocument();
    expect(password).toHaveAttribute("aria-invalid", "true");
  });

  it("checks the repeat of the password", () => {
    expect(checkRegistration({ email: "a@b.ru", password: "x1", passwordConfirm: "x2", consent: true })).toEqual({ password_confirm: "Пароли не совпадают" });
  });
});
