import { screen } from "@testing-library/react";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { fakeApi, renderRoute } from "../test/helpers";
import { PaymentResultPage, resultPolling } from "./PaymentResultPage";

const base = {
  id: "p1",
  account_id: "acc-1",
  amount: "1523.40",
  card: null,
  failure_reason: null,
  created_at: "2026-11-20T10:00:00Z",
  paid_at: null,
};
const pending = { ...base, status: "pending", message: "Платеж обрабатывается банком" };
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

  it("stops asking after the time limit and says where to look", async () => {
    resultPolling.limitMs = 60;
    const seen = fakeApi({ "GET /api/v1/payments/p1": { status: 200, body: pending } });
    renderRoute("/payments/p1/result", "/payments/:id/result", <PaymentResultPage />);
    expect(await screen.findByText("Банк еще не сообщил результат оплаты")).toBeInTheDocument();
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
