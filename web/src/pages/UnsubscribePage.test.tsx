import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeApi, renderRoute } from "../test/helpers";
import { UnsubscribePage } from "./UnsubscribePage";

afterEach(() => vi.unstubAllGlobals());

const LINK = "/api/v1/public/unsubscribe?token=abc-123_x";
const INVALID = "Ссылка для отказа от писем недействительна. Выбрать письма можно в настройках уведомлений личного кабинета";

function open(path = "/unsubscribe?token=abc-123_x") {
  return renderRoute(path, "/unsubscribe", <UnsubscribePage />);
}

describe("the unsubscribe link of a letter", () => {
  it("says which letters it stops and turns nothing off until asked", async () => {
    const seen = fakeApi({ [`GET ${LINK}`]: { status: 200, body: { kind: "verification_due", letters: "напоминания о поверке прибора учета" } } });
    open();

    expect(await screen.findByText("напоминания о поверке прибора учета")).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Отписаться" })).toBeEnabled();
    // A mail scanner opening the link makes only the GET, which changes nothing.
    expect(seen.map((c) => `${c.method} ${c.url}`)).toEqual([`GET ${LINK}`]);
  });

  it("turns the letters off on «Отписаться» and says how to turn them on again", async () => {
    const seen = fakeApi({
      [`GET ${LINK}`]: { status: 200, body: { kind: "reading_window", letters: "напоминания о передаче показаний" } },
      [`POST ${LINK}`]: { status: 200, body: { message: "Готово" } },
    });
    open();

    await userEvent.click(await screen.findByRole("button", { name: "Отписаться" }));

    const outcome = await screen.findByText(/^Готово:/);
    expect(outcome).toHaveTextContent(
      "Готово: напоминания о передаче показаний больше не будут приходить. Включить снова можно в Профиле → Уведомления.",
    );
    expect(screen.getByRole("link", { name: "Профиле → Уведомления" })).toHaveAttribute("href", "/profile");
    expect(screen.queryByRole("button", { name: "Отписаться" })).toBeNull();
    expect(seen.map((c) => `${c.method} ${c.url}`)).toEqual([`GET ${LINK}`, `POST ${LINK}`]);
  });

  it("says so when the link is not one of the portal's", async () => {
    const seen = fakeApi({ [`GET ${LINK}`]: { status: 400, body: { status: 400, code: "invalid_unsubscribe_link", detail: INVALID } } });
    open();

    expect(await screen.findByRole("alert")).toHaveTextContent(INVALID);
    expect(screen.queryByRole("button", { name: "Отписаться" })).toBeNull();
    expect(screen.getByRole("link", { name: "Профиле → Уведомления" })).toHaveAttribute("href", "/profile");
    expect(seen).toHaveLength(1);
  });

  it("asks nothing for a link without a token", async () => {
    const seen = fakeApi({});
    open("/unsubscribe");

    expect(await screen.findByRole("alert")).toHaveTextContent(INVALID);
    expect(seen).toHaveLength(0);
  });

  it("keeps the button when the unsubscribe itself fails, with the reason", async () => {
    fakeApi({
      [`GET ${LINK}`]: { status: 200, body: { kind: "debt", letters: "напоминания о задолженности" } },
      [`POST ${LINK}`]: { status: 429, body: { status: 429, code: "too_many_requests", detail: "Слишком много запросов с вашего адреса. Повторите попытку позже" }, headers: { "Retry-After": "60" } },
    });
    open();

    await userEvent.click(await screen.findByRole("button", { name: "Отписаться" }));

    expect(await screen.findByText(/Слишком много запросов/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Отписаться" })).toBeEnabled();
    expect(screen.queryByText(/^Готово:/)).toBeNull();
  });
});
