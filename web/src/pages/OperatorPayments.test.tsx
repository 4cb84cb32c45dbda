import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeApi, PROFILE, renderApp, signedInCookie } from "../test/helpers";

afterEach(() => vi.unstubAllGlobals());

const PAYMENT = {
  id: "p1",
  user_id: "u9",
  account_id: "a1",
  region_code: "yalta",
  account_number: "91000202",
  amount: "12500.00",
  refunded_amount: "500.00",
  status: "succeeded",
  method: "card",
  card: { brand: "visa", pan_masked: "411111******1111" },
  failure_reason: null,
  acquirer_order_id: "md-1",
  order_number: "n-1",
  basket_id: null,
  created_at: "2026-12-15T08:00:00Z",
  paid_at: "2026-12-15T08:01:00Z",
};
const REFUND = {
  id: "r1",
  payment_id: "p1",
  amount: "500.00",
  reason: "Двойная оплата",
  status: "succeeded",
  requested_by: "u2",
  decided_by: null,
  decision_comment: null,
  failure_reason: null,
  created_at: "2026-12-15T09:00:00Z",
  decided_at: null,
  refunded_at: "2026-12-15T09:00:01Z",
};

function as(role: string) {
  signedInCookie();
  return { "GET /api/v1/profile": { status: 200, body: { ...PROFILE, role } }, "GET /api/v1/regions": { status: 200, body: [] } };
}

describe("«Платежи»: the lookup", () => {
  it("lists what was found as a table and pages to older payments with the filters kept", async () => {
    const page = Array.from({ length: 21 }, (_, i) => ({ ...PAYMENT, id: `p${i}`, account_number: `9100${String(i).padStart(4, "0")}` }));
    const older = { ...PAYMENT, id: "old", account_number: "91009999", refunded_amount: "0.00", card: null, method: "sbp" };
    fakeApi({
      ...as("operator"),
      "GET /api/v1/operator/payments?status=succeeded&limit=21": { status: 200, body: page },
      "GET /api/v1/operator/payments?status=succeeded&limit=21&offset=20": { status: 200, body: [older] },
    });
    const user = userEvent.setup();
    renderApp("/operator/payments?status=succeeded");

    const table = await screen.findByRole("table", { name: "Найденные платежи" });
    const rows = within(table).getAllByRole("row").slice(1);
    expect(rows).toHaveLength(20);
    expect(within(rows[0]).getByRole("link", { name: /по счету № 91000000$/ })).toBeInTheDocument();
    const cells = within(rows[0]).getAllByRole("cell");
    expect(cells.map((cell) => cell.dataset.label)).toEqual(["Создан", "Лицевой счет", "Сумма", "Возвращено", "Статус", "Способ"]);
    expect(cells[2]).toHaveTextContent(/^12\s500,00\s₽$/);
    expect(cells[3]).toHaveTextContent(/^500,00\s₽$/);
    expect(cells[4]).toHaveTextContent("Оплачен");
    expect(cells[5]).toHaveTextContent("Visa 4111 11•• •••• 1111");
    const pages = screen.getByRole("navigation", { name: "Страницы результатов" });
    expect(pages).toHaveTextContent("1–20");
    expect(within(pages).getByRole("button", { name: "Новее" })).toBeDisabled();

    await user.click(within(pages).getByRole("button", { name: "Старше" }));
    expect(await screen.findByRole("link", { name: /по счету № 91009999$/ })).toBeInTheDocument();
    const olderCells = within(screen.getByRole("table", { name: "Найденные платежи" })).getAllByRole("cell");
    expect(olderCells[3]).toHaveTextContent(/^—$/);
    expect(olderCells[5]).toHaveTextContent(/^СБП$/);
    expect(screen.getByRole("navigation", { name: "Страницы результатов" })).toHaveTextContent("21–21");
    expect(screen.getByRole("button", { name: "Старше" })).toBeDisabled();
  });
});

describe("a payment's story", () => {
  it("offers what is left to refund and sends the refund with an Idempotency-Key", async () => {
    const waiting = { ...REFUND, id: "r2", amount: "11000.00", reason: "Переплата", status: "awaiting_approval", refunded_at: null };
    const seen = fakeApi({
      ...as("operator"),
      "GET /api/v1/operator/payments/p1": [
        { status: 200, body: { payment: PAYMENT, events: [{ at: PAYMENT.created_at, kind: "order_registered", detail: {} }], refunds: [REFUND] } },
        { status: 200, body: { payment: PAYMENT, events: [], refunds: [REFUND, waiting] } },
      ],
      "POST /api/v1/operator/payments/p1/refunds": { status: 201, body: waiting },
    });
    const user = userEvent.setup();
    renderApp("/operator/payments/p1");

    const amount = await screen.findByLabelText("Сумма возврата, ₽");
    expect(amount).toHaveValue("12000,00");
    expect(screen.getByText("Заказ зарегистрирован в банке")).toBeInTheDocument();
    await user.clear(amount);
    await user.type(amount, "11000");
    await user.type(screen.getByLabelText("Причина возврата"), "Переплата");
    await user.click(screen.getByRole("button", { name: "Вернуть деньги" }));

    const said = await screen.findByText(/^Возврат 11.000,00.₽ создан/);
    expect(said).toHaveTextContent("Ожидает подтверждения второго сотрудника");
    expect(said.closest("[role=status]")).not.toBeNull();
    const sent = seen.find((call) => call.method === "POST");
    expect(sent?.body).toEqual({ amount: "11000.00", reason: "Переплата" });
    expect(sent?.headers["Idempotency-Key"]).toMatch(/.+/);
    expect(await screen.findByLabelText("Сумма возврата, ₽")).toHaveValue("1000,00");
  });
});

describe("«Возвраты на подтверждение»", () => {
  it("says clearly that one's own refund is for another person to approve", async () => {
    const mine = { ...REFUND, status: "awaiting_approval", amount: "11000.00", requested_by: PROFILE.user_id, refunded_at: null };
    fakeApi({
      ...as("supervisor"),
      "GET /api/v1/operator/refunds?status=awaiting_approval&limit=200": { status: 200, body: [mine] },
      "POST /api/v1/operator/refunds/r1/approve": {
        status: 403,
        body: { code: "same_actor", detail: "Нельзя рассматривать собственную заявку: ее рассмотрит другой сотрудник" },
      },
    });
    const user = userEvent.setup();
    renderApp("/operator/payments/refunds");

    const card = (await screen.findByText(/запросили Вы/)).closest("li") as HTMLElement;
    await user.click(within(card).getByRole("button", { name: "Подтвердить" }));
    const dialog = screen.getByRole("dialog", { name: "Подтвердить возврат?" });
    await user.click(within(dialog).getByRole("button", { name: "Подтвердить" }));
    expect(await within(dialog).findByRole("alert")).toHaveTextContent("Подтвердить возврат должен другой сотрудник: Вы сами запросили этот возврат");
  });

  it("is the supervisors' alone", async () => {
    fakeApi(as("operator"));
    renderApp("/operator/payments/refunds");
    expect(await screen.findByText("Подтверждать возвраты могут только старшие операторы.")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Возвраты на подтверждение" })).toBeNull();
  });
});
