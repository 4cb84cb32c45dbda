import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { useState } from "react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { ACCOUNT, fakeApi } from "../test/helpers";
import { browser, PayDialog } from "./PayDialog";

afterEach(() => vi.unstubAllGlobals());

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

describe("the pay dialog", () => {
  it("is a labelled modal with the amount due, closed by Esc with focus back", async () => {
    fakeApi({});
    const user = userEvent.setup();
    render(<div id="root"><Harness /></div>);
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
    render(<div id="root"><Harness /></div>);
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
    expect(seen).toHaveLength(2);
    expect(seen[0].body).toEqual({ account_id: "acc-1", amount: "1000.50" });
    const key = seen[0].headers["Idempotency-Key"];
    expect(key).toMatch(/^[0-9a-f-]{36}$/);
    expect(seen[1].headers["Idempotency-Key"]).toBe(key);
  });

  it("refuses a zero amount next to the field", async () => {
    const seen = fakeApi({});
    const user = userEvent.setup();
    render(<div id="root"><Harness /></div>);
    await user.click(screen.getByRole("button", { name: "Оплатить" }));
    const amount = screen.getByLabelText("Сумма платежа, ₽");
    await user.clear(amount);
    await user.type(amount, "0");
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Оплатить" }));
    expect(amount).toHaveAccessibleDescription(/Сумма платежа должна быть больше нуля/);
    expect(seen).toHaveLength(0);
  });

  it("starts from the amount of an attempt being paid again, instead of what is due", () => {
    fakeApi({});
    render(<div id="root"><PayDialog account={ACCOUNT} amount="123.45" onClose={() => {}} /></div>);
    expect(screen.getByLabelText("Сумма платежа, ₽")).toHaveValue("123,45");
  });
});

