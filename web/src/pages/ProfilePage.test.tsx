import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeApi, PROFILE, renderApp, signedInCookie } from "../test/helpers";

afterEach(() => vi.unstubAllGlobals());

async function openMerge(user: ReturnType<typeof userEvent.setup>) {
  renderApp("/profile");
  await user.click(await screen.findByRole("button", { name: "Объединить профили" }));
  const form = screen.getByRole("region", { name: "Объединение учетных записей" });
  expect(within(form).getByLabelText("Адрес электронной почты")).toHaveFocus();
  await user.type(within(form).getByLabelText("Адрес электронной почты"), "petrov@example.ru");
  await user.type(within(form).getByLabelText("Пароль"), "Другой-пароль-2026");
  await user.click(within(form).getByRole("button", { name: "Объединить" }));
  return form;
}

describe("merging profiles", () => {
  it("asks first, says it cannot be undone, and sends nothing on «Отмена»", async () => {
    signedInCookie();
    const seen = fakeApi({ "GET /api/v1/profile": { status: 200, body: PROFILE } });
    const user = userEvent.setup();
    await openMerge(user);

    const dialog = screen.getByRole("dialog", { name: "Объединить учетные записи?" });
    expect(dialog).toHaveTextContent("petrov@example.ru");
    expect(dialog).toHaveTextContent("ivanov@example.ru");
    expect(dialog).toHaveTextContent("лицевые счета");
    expect(dialog).toHaveTextContent("Это действие нельзя отменить.");
    expect(within(dialog).getByRole("button", { name: "Отмена" })).toHaveFocus();
    await user.click(within(dialog).getByRole("button", { name: "Отмена" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(seen.some((c) => c.url === "/api/v1/profile/merge")).toBe(false);
  });

  it("merges once confirmed", async () => {
    signedInCookie();
    const seen = fakeApi({
      "GET /api/v1/profile": { status: 200, body: PROFILE },
      "POST /api/v1/profile/merge": { status: 200, body: { message: "Учетные записи объединены" } },
    });
    const user = userEvent.setup();
    await openMerge(user);
    const dialog = screen.getByRole("dialog", { name: "Объединить учетные записи?" });
    await user.click(within(dialog).getByRole("button", { name: "Объединить" }));

    expect(await screen.findByText("Учетные записи объединены")).toBeInTheDocument();
    expect(seen.find((c) => c.url === "/api/v1/profile/merge")?.body).toEqual({ email: "petrov@example.ru", password: "Другой-пароль-2026" });
  });
});
