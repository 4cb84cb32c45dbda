import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { MemoryRouter, Route, Routes, useLocation } from "react-router";
import { afterEach, describe, expect, it, vi } from "vitest";

import { ACCOUNT, fakeApi } from "../test/helpers";
import { browser, PayDialog } from "./PayDialog";

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  sessionStorage.clear();
});

const CARDS = [
  { id: "card-old", brand: "mir", pan_masked: "220220******1234", expiry: "01/29", created_at: "2026-11-01T10:00:00Z" },
  { id: "card-new", brand: "visa", pan_masked: "411111******1111", expiry: "12/30", created_at: "2026-12-01T10:00:00Z" },
];
const SBP = { qr_id: "AD123", payload: "https://qr.nspk.ru/AD123?type=02&sum=152340", qr_svg: "<svg xmlns='http://www.w3.org/2000/svg'/>" };

function Where() {
  const location = useLocation();
  return <p data-testid="where">{location.pathname}{location.state ? ` ${JSON.stringify(location.state)}` : ""}</p>;
}

function Harness() {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" onClick={() => setOpen(true)}>
        Оплатить
      </button>
      {open ? <PayDialog account={ACCOUNT} onClose={() => setOpen(false)} /> : null}
    </>
  );
}

function inRouter(element: React.ReactElement) {
  return (
    <MemoryRouter initialEntries={["/accounts"]}>
      <div id="root">
        <Routes>
          <Route path="/accounts" element={element} />
          <Route path="/payments/:id/result" element={<Where />} />
        </Routes>
      </div>
    </MemoryRouter>
  );
}

describe("the pay dialog", () => {
  it("is a labelled modal with the amount due, closed by Esc with focus back", async () => {
    fakeApi({});
    const user = userEvent.setup();
    render(inRouter(<Harness />));
    const opener = screen.getByRole("button", { name: "Оплатить" });
    await user.click(opener);

    const dialog = screen.getByRole("dialog", { name: "Оплата по лицевому счету №\u00a091000101" });
    expect(dialog).toHaveAttribute("aria-modal", "true");
    const amount = screen.getByLabelText("Сумма платежа, ₽");
    expect(amount).toHaveValue("1523,40");
    expect(amount).toHaveFocus();

    await user.tab();
    await user.tab();
    await user.tab();
    await user.tab();
    expect(dialog).toContainElement(document.activeElement as HTMLElement);

    await user.keyboard("{Escape}");
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
    expect(opener).toHaveFocus();
  });

  it("starts a payment with one idempotency key and goes to the bank's page", async () => {
    const go = vi.spyOn(browser, "go").mockImplementation(() => {});
    const seen = fakeApi({
      "POST /api/v1/payments": [
        { status: 503, body: { detail: "x" } },
        { status: 201, body: { id: "p1", status: "pending", amount: "1000.50", confirmation_url: "http://127.0.0.1:8090/payment/merchants/rbs/payment_ru.html?mdOrder=1" } },
      ],
    });
    const user = userEvent.setup();
    render(inRouter(<Harness />));
    await user.click(screen.getByRole("button", { name: "Оплатить" }));
    const amount = screen.getByLabelText("Сумма платежа, ₽");
    await user.clear(amount);
    await user.type(amount, "1 000,5");
    const dialog = screen.getByRole("dialog");
    const pay = () => user.click(within(dialog).getByRole("button", { name: "Оплатить" }));
    await pay();
    expect(await screen.findByText("Сервис временно недоступен, попробуйте позже")).toBeInTheDocument();
    await pay();

    expect(go).toHaveBeenCalledWith("http://127.0.0.1:8090/payment/merchants/rbs/payment_ru.html?mdOrder=1");
    const posts = seen.filter((call) => call.method === "POST");
    expect(posts).toHaveLength(2);
    expect(posts[0].body).toEqual({ account_id: "acc-1", amount: "1000.50", method: "card" });
    const key = posts[0].headers["Idempotency-Key"];
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(posts[1].headers["Idempotency-Key"]).toBe(key);
  });

  it("refuses a zero amount next to the field", async () => {
    const seen = fakeApi({});
    const user = userEvent.setup();
    render(inRouter(<Harness />));
    await user.click(screen.getByRole("button", { name: "Оплатить" }));
    const amount = screen.getByLabelText("Сумма платежа, ₽");
    await user.clear(amount);
    await user.type(amount, "0");
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Оплатить" }));
    expect(amount).toHaveAccessibleDescription(/Сумма платежа должна быть больше нуля/);
    expect(seen.filter((call) => call.method === "POST")).toHaveLength(0);
  });

  it("starts from the amount of an attempt being paid again, instead of what is due", () => {
    fakeApi({});
    render(inRouter(<PayDialog account={ACCOUNT} amount="123.45" onClose={() => {}} />));
    expect(screen.getByLabelText("Сумма платежа, ₽")).toHaveValue("123,45");
  });

  it("offers the saved cards (the newest chosen), a new card with «Сохранить карту…», and SBP", async () => {
    const go = vi.spyOn(browser, "go").mockImplementation(() => {});
    const seen = fakeApi({
      "GET /api/v1/cards": { status: 200, body: CARDS },
      "POST /api/v1/payments": { status: 201, body: { id: "p2", status: "pending", amount: "1523.40", method: "card", confirmation_url: "http://bank/page" } },
    });
    const user = userEvent.setup();
    render(inRouter(<Harness />));
    await user.click(screen.getByRole("button", { name: "Оплатить" }));
    const methods = await screen.findByRole("group", { name: "Способ оплаты" });
    expect(await within(methods).findByRole("radio", { name: "Visa •••• 1111, до 12/30" })).toBeChecked();
    expect(within(methods).getByRole("radio", { name: "Мир •••• 1234, до 01/29" })).not.toBeChecked();
    expect(screen.queryByRole("checkbox", { name: "Сохранить карту для следующих платежей" })).not.toBeInTheDocument();

    await user.click(within(methods).getByRole("radio", { name: "Новая карта" }));
    await user.click(screen.getByRole("checkbox", { name: "Сохранить карту для следующих платежей" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Оплатить" }));
    expect(go).toHaveBeenCalledWith("http://bank/page");
    expect(seen.find((call) => call.method === "POST")?.body).toEqual({ account_id: "acc-1", amount: "1523.40", method: "card", save_card: true });
  });

  it("pays with a saved card straight to the result page when the bank asks nothing", async () => {
    const go = vi.spyOn(browser, "go").mockImplementation(() => {});
    const seen = fakeApi({
      "GET /api/v1/cards": { status: 200, body: CARDS },
      "POST /api/v1/payments": { status: 201, body: { id: "p3", status: "succeeded", amount: "1523.40", method: "card", confirmation_url: null } },
    });
    const user = userEvent.setup();
    render(inRouter(<Harness />));
    await user.click(screen.getByRole("button", { name: "Оплатить" }));
    await screen.findByRole("radio", { name: "Visa •••• 1111, до 12/30" });
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Оплатить" }));
    expect(await screen.findByTestId("where")).toHaveTextContent("/payments/p3/result");
    expect(go).not.toHaveBeenCalled();
    expect(seen.find((call) => call.method === "POST")?.body).toEqual({ account_id: "acc-1", amount: "1523.40", method: "card", card_id: "card-new" });
  });

  it("pays by SBP: the result page gets the QR code, and this tab keeps it", async () => {
    const seen = fakeApi({
      "POST /api/v1/payments": { status: 201, body: { id: "p4", status: "pending", amount: "1523.40", method: "sbp", confirmation_url: null, sbp: SBP } },
    });
    const user = userEvent.setup();
    render(inRouter(<Harness />));
    await user.click(screen.getByRole("button", { name: "Оплатить" }));
    await user.click(screen.getByRole("radio", { name: "СБП (по QR-коду)" }));
    expect(screen.getByRole("group", { name: "Способ оплаты" })).toHaveAccessibleDescription(/QR-код/);
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Оплатить" }));
    expect(await screen.findByTestId("where")).toHaveTextContent("/payments/p4/result");
    expect(screen.getByTestId("where")).toHaveTextContent("qr.nspk.ru");
    expect(JSON.parse(sessionStorage.getItem("lka-sbp-p4") ?? "null")).toEqual(SBP);
    expect(seen.find((call) => call.method === "POST")?.body).toEqual({ account_id: "acc-1", amount: "1523.40", method: "sbp" });
  });

  it("takes a new key when the way to pay changes after a failure", async () => {
    const seen = fakeApi({
      "POST /api/v1/payments": [
        { status: 503, body: {} },
        { status: 201, body: { id: "p5", status: "pending", amount: "1523.40", method: "sbp", confirmation_url: null, sbp: SBP } },
      ],
    });
    const user = userEvent.setup();
    render(inRouter(<Harness />));
    await user.click(screen.getByRole("button", { name: "Оплатить" }));
    const pay = () => user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Оплатить" }));
    await pay();
    await screen.findByText("Сервис временно недоступен, попробуйте позже");
    await user.click(screen.getByRole("radio", { name: "СБП (по QR-коду)" }));
    await pay();
    const posts = seen.filter((call) => call.method === "POST");
    expect(posts).toHaveLength(2);
    expect(posts[1].headers["Idempotency-Key"]).not.toBe(posts[0].headers["Idempotency-Key"]);
  });
});
