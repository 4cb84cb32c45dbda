import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { ACCOUNT, fakeApi, renderRoute } from "../test/helpers";
import { resultPolling } from "../components/PaymentOutcome";
import { PaymentResultPage } from "./PaymentResultPage";

const base = {
  id: "p1",
  account_id: "acc-1",
  account_number: "91000101",
  amount: "1523.40",
  card: null,
  failure_reason: null,
  created_at: "2026-11-20T10:00:00Z",
  paid_at: null,
  expires_at: null,
};
const pending = { ...base, status: "pending", message: "Платеж обрабатывается банком", expires_at: "2026-11-20T10:20:00Z" };
const declined = { ...base, status: "failed", failure_reason: "declined_by_issuer", message: "Банк, выпустивший карту, отклонил платеж" };
const NOT_CHARGED = /Деньги с карты не списаны/;
const RETURNED = /Деньги возвращены на карту/;
const succeeded = {
  ...base,
  status: "succeeded",
  message: "Оплата прошла успешно",
  card: { brand: "visa", pan_masked: "411111******1111" },
  paid_at: "2026-11-20T10:00:05Z",
};

beforeEach(() => {
  resultPolling.intervalMs = 20;
  resultPolling.limitMs = 5_000;
});

afterEach(() => {
  vi.unstubAllGlobals();
  resultPolling.intervalMs = 1500;
  resultPolling.limitMs = 60_000;
});

describe("the result page", () => {
  it("shows progress while pending, then «Оплата прошла успешно» with amount and card", async () => {
    const seen = fakeApi({ "GET /api/v1/payments/p1": [{ status: 200, body: pending }, { status: 200, body: pending }, { status: 200, body: succeeded }] });
    renderRoute("/payments/p1/result", "/payments/:id/result", <PaymentResultPage />);

    expect(await screen.findByText("Проверяем результат оплаты…")).toBeInTheDocument();
    expect(await screen.findByText("Оплата прошла успешно")).toBeInTheDocument();
    expect(screen.queryByText("Проверяем результат оплаты…")).not.toBeInTheDocument();
    expect(screen.getByText("1 523,40 ₽")).toBeInTheDocument();
    expect(screen.getByText(/Visa 4111 11•• •••• 1111/)).toBeInTheDocument();
    expect(screen.getByText("№ 91000101")).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "К платежам" })).toHaveAttribute("href", "/payments?account=acc-1");
    expect(seen.filter((c) => c.url === "/api/v1/payments/p1")).toHaveLength(3);
  });

  it("says why a payment failed", async () => {
    fakeApi({
      "GET /api/v1/payments/p1": { status: 200, body: { ...base, status: "failed", failure_reason: "insufficient_funds", message: "Недостаточно средств на карте" } },
    });
    renderRoute("/payments/p1/result", "/payments/:id/result", <PaymentResultPage />);
    expect(await screen.findByText("Оплата не прошла")).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent("Недостаточно средств на карте");
    expect(screen.queryByText("Оплата прошла успешно")).not.toBeInTheDocument();
  });

  it("names the account of a declined payment, says the card was not charged and pays again with the same amount", async () => {
    const seen = fakeApi({
      "GET /api/v1/payments/p1": { status: 200, body: { ...declined, amount: "123.45" } },
      "GET /api/v1/accounts": { status: 200, body: [{ ...ACCOUNT, id: "acc-2", number: "91000202" }, ACCOUNT] },
    });
    const user = userEvent.setup();
    renderRoute("/payments/p1/result", "/payments/:id/result", <PaymentResultPage />);
    const alert = await screen.findByRole("alert");
    expect(await within(alert).findByText("Оплата не прошла")).toBeInTheDocument();
    expect(alert).toHaveTextContent("Банк, выпустивший карту, отклонил платеж");
    expect(alert).toHaveTextContent("№ 91000101");
    expect(alert).toHaveTextContent("123,45 ₽");
    expect(alert).toHaveTextContent(NOT_CHARGED);
    expect(alert).not.toHaveTextContent(RETURNED);

    await user.click(screen.getByRole("button", { name: "Оплатить еще раз" }));
    const dialog = await screen.findByRole("dialog", { name: "Оплата по лицевому счету №\u00a091000101" });
    expect(within(dialog).getByLabelText("Сумма платежа, ₽")).toHaveValue("123,45");
    expect(seen.filter((c) => c.url === "/api/v1/accounts")).toHaveLength(1);
  });

  it("says so when the account of a declined payment is no longer linked", async () => {
    fakeApi({
      "GET /api/v1/payments/p1": { status: 200, body: declined },
      "GET /api/v1/accounts": { status: 200, body: [] },
    });
    const user = userEvent.setup();
    renderRoute("/payments/p1/result", "/payments/:id/result", <PaymentResultPage />);
    await user.click(await screen.findByRole("button", { name: "Оплатить еще раз" }));
    expect(await screen.findByText("Этот лицевой счет больше не привязан к Вашей учетной записи")).toBeInTheDocument();
    expect(screen.queryByRole("dialog")).not.toBeInTheDocument();
  });

  it("an attempt that lapsed on the bank's page was not charged either", async () => {
    fakeApi({ "GET /api/v1/payments/p1": { status: 200, body: { ...base, status: "expired", failure_reason: "expired", message: "Время на оплату истекло" } } });
    renderRoute("/payments/p1/result", "/payments/:id/result", <PaymentResultPage />);
    expect(await screen.findByText("Время на оплату истекло")).toBeInTheDocument();
    expect(screen.getByRole("alert")).toHaveTextContent(NOT_CHARGED);
    expect(screen.getByRole("button", { name: "Оплатить еще раз" })).toBeInTheDocument();
  });

  it.each([
    ["reversed by the bank", { status: "failed", failure_reason: "reversed", message: "Платеж отменен банком" }, true],
    ["refunded by the bank before the portal heard of it", { status: "failed", failure_reason: "refunded", message: "Платеж возвращен банком" }, true],
    ["refunded after it succeeded", { status: "refunded", failure_reason: null, message: "Платеж возвращен на карту", paid_at: "2026-11-20T10:00:05Z" }, false],
  ])("a payment %s says the money went back to the card, never that it was not charged", async (_, answer, payAgain) => {
    fakeApi({ "GET /api/v1/payments/p1": { status: 200, body: { ...base, ...answer } } });
    renderRoute("/payments/p1/result", "/payments/:id/result", <PaymentResultPage />);
    const alert = await screen.findByRole("alert");
    expect(await within(alert).findByText(answer.message)).toBeInTheDocument();
    expect(alert).toHaveTextContent(RETURNED);
    expect(alert).toHaveTextContent(/может потребоваться несколько дней/);
    expect(alert).not.toHaveTextContent(/не списаны/);
    expect(alert).toHaveTextContent("№ 91000101");
    expect(screen.queryByText("Оплата прошла успешно")).not.toBeInTheDocument();
    expect(screen.queryAllByRole("button", { name: "Оплатить еще раз" })).toHaveLength(payAgain ? 1 : 0);
  });

  it("stops asking after the time limit and says where to look", async () => {
    resultPolling.limitMs = 60;
    const seen = fakeApi({ "GET /api/v1/payments/p1": { status: 200, body: pending } });
    renderRoute("/payments/p1/result", "/payments/:id/result", <PaymentResultPage />);
    expect(await screen.findByText("Банк еще не сообщил результат оплаты")).toBeInTheDocument();
    expect(screen.getByRole("status")).toHaveTextContent(/платеж будет отменен/);
    const asked = seen.length;
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(seen.length).toBe(asked);
  });

  it("keeps asking through a passing outage", async () => {
    fakeApi({ "GET /api/v1/payments/p1": [{ status: 503, body: { detail: "x" } }, { status: 200, body: succeeded }] });
    renderRoute("/payments/p1/result", "/payments/:id/result", <PaymentResultPage />);
    expect(await screen.findByText("Оплата прошла успешно")).toBeInTheDocument();
  });
});
