import { describe, expect, it } from "vitest";

import { ApiError } from "../api/client";
import type { RefundStatus } from "../api/finance";
import {
  AWAITING_SECOND,
  DISCREPANCY_KIND,
  NO_FILTERS,
  REFUND_STATUS,
  RESOLUTION,
  SAME_ACTOR,
  checkRefundAmount,
  decisionError,
  filtersFromSearch,
  filtersToSearch,
  formatDay,
  leftToRefund,
  leftToRefundKopecks,
  localToday,
  paymentsQuery,
  refundOutcome,
  storyLine,
} from "./finance";
import { dayBefore } from "../pages/ReconciliationPage";

const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, " ");

function refund(amount: string, status: RefundStatus) {
  return { amount, status };
}

describe("what is left to refund", () => {
  const paid = { amount: "12500.00", status: "succeeded" as const };

  it("is the whole payment before any refund", () => {
    expect(leftToRefund(paid, [])).toBe("12500.00");
  });

  it("counts refunds waiting, at the bank and done, not the rejected or failed ones", () => {
    const refunds = [
      refund("500.00", "succeeded"),
      refund("11000.00", "awaiting_approval"),
      refund("100.50", "pending"),
      refund("300.00", "rejected"),
      refund("200.00", "failed"),
    ];
    expect(leftToRefundKopecks(paid, refunds)).toBe(89950);
    expect(leftToRefund(paid, refunds)).toBe("899.50");
  });

  it("is nothing for a payment not paid or refunded in full, and never below zero", () => {
    expect(leftToRefund({ amount: "100.00", status: "pending" }, [])).toBe("0.00");
    expect(leftToRefund({ amount: "100.00", status: "refunded" }, [refund("100.00", "succeeded")])).toBe("0.00");
    expect(leftToRefundKopecks(paid, [refund("13000.00", "succeeded")])).toBe(0);
  });

  it("checks the amount typed against it", () => {
    expect(checkRefundAmount("1 000", 100000)).toEqual({ ok: true, value: "1000.00" });
    expect(checkRefundAmount("999,5", 100000)).toEqual({ ok: true, value: "999.50" });
    expect(checkRefundAmount("", 100000)).toEqual({ ok: false, error: "Укажите сумму возврата" });
    expect(checkRefundAmount("0", 100000)).toEqual({ ok: false, error: "Сумма возврата должна быть больше нуля" });
    const above = checkRefundAmount("1000,01", 100000);
    expect(above.ok).toBe(false);
    expect(!above.ok && plain(above.error)).toBe("Сумма возврата больше, чем осталось вернуть: не более 1 000,00 ₽");
  });
});

describe("refunds in words", () => {
  it("names every status", () => {
    expect(REFUND_STATUS).toEqual({
      awaiting_approval: "Ожидает подтверждения",
      pending: "Передан в банк",
      succeeded: "Выполнен",
      failed: "Банк отказал",
      rejected: "Отклонен",
    });
  });

  it("says what became of a request", () => {
    expect(refundOutcome({ amount: "500.00", status: "succeeded", failure_reason: null })).toEqual({
      kind: "success",
      text: "Возврат 500,00\u00a0₽ выполнен: деньги возвращены на карту плательщика",
    });
    const waiting = refundOutcome({ amount: "11000.00", status: "awaiting_approval", failure_reason: null });
    expect(waiting.kind).toBe("info");
    expect(plain(waiting.text)).toBe(`Возврат 11 000,00 ₽ создан. ${AWAITING_SECOND}`);
    expect(refundOutcome({ amount: "1.00", status: "failed", failure_reason: "Карта закрыта" })).toEqual({
      kind: "error",
      text: "Банк отказал в возврате 1,00\u00a0₽: Карта закрыта",
    });
  });

  it("says one's own request is for another person, and any other refusal as the API does", () => {
    const own = new ApiError(403, "same_actor", "Нельзя рассматривать собственную заявку: ее рассмотрит другой сотрудник");
    expect(decisionError(own, "x")).toBe(`${SAME_ACTOR}: Вы сами запросили этот возврат`);
    expect(SAME_ACTOR).toBe("Подтвердить возврат должен другой сотрудник");
    const decided = new ApiError(409, "refund_not_awaiting", "Возврат не ожидает решения");
    expect(decisionError(decided, "x")).toBe("Возврат не ожидает решения");
    expect(decisionError(new Error("boom"), "Не удалось")).toBe("Не удалось");
  });
});

describe("a payment's story in words", () => {
  it("tells each kind of line", () => {
    const said = (kind: string, detail: Record<string, unknown> = {}) => {
      const line = storyLine({ kind, detail });
      return plain(line.text ? `${line.title}: ${line.text}` : line.title);
    };
    expect(said("order_registered", { amount_kopecks: 1250000, method: "card", order_number: "N-1" })).toBe(
      "Заказ зарегистрирован в банке: сумма 12 500,00 ₽, Банковская карта, номер заказа N-1",
    );
    expect(said("callback_received", { operation: "deposited", status: "1" })).toBe("Получено уведомление банка: операция deposited, статус успешно");
    expect(said("status_polled", { source: "reconciliation", order_status: 2, amount_kopecks: 10600, outcome: "succeeded" })).toBe(
      "Статус запрошен в банке: при сверке с банком, состояние заказа 2, сумма 106,00 ₽, итог: оплачен",
    );
    expect(said("event_published", { type: "payments.payment.refunded.v1" })).toBe("Отправлено событие: возврат платежа");
    expect(said("refund_requested", { amount_kopecks: 1100000, status: "awaiting_approval" })).toBe(
      "Запрошен возврат: 11 000,00 ₽, ожидает подтверждения второго сотрудника",
    );
    expect(said("refund_requested", { amount_kopecks: 50000, status: "pending" })).toBe("Запрошен возврат: 500,00 ₽");
    expect(said("refund_approved")).toBe("Возврат подтвержден вторым сотрудником");
    expect(said("refund_rejected", { comment: "Ошибка" })).toBe("Возврат отклонен: комментарий: Ошибка");
    expect(said("refund_succeeded", { amount_kopecks: 50000, payment_status: "succeeded" })).toBe("Деньги возвращены на карту: 500,00 ₽");
    expect(said("refund_succeeded", { amount_kopecks: 50000, payment_status: "refunded" })).toBe(
      "Деньги возвращены на карту: 500,00 ₽, платеж возвращен полностью",
    );
    expect(said("refund_failed", { reason: "Отказ" })).toBe("Банк отказал в возврате: Отказ");
    expect(said("reconciliation_resolved", { date: "2026-12-15" })).toBe("Статус уточнен при сверке с банком: сверка за 15.12.2026");
  });

  it("shows a kind it does not know as it came", () => {
    expect(storyLine({ kind: "something_new", detail: {} })).toEqual({ title: "something_new", text: "" });
  });
});

describe("reconciliation in words", () => {
  it("names the kinds of difference and the resolutions", () => {
    expect(DISCREPANCY_KIND.missing_here).toBe("Есть в банке, нет у нас");
    expect(DISCREPANCY_KIND.missing_at_bank).toBe("Есть у нас, нет в банке");
    expect(DISCREPANCY_KIND.amount_mismatch).toBe("Суммы не совпадают");
    expect(DISCREPANCY_KIND.status_mismatch).toBe("Статусы не совпадают");
    expect(RESOLUTION.needs_review).toBe("Требует проверки");
    expect(RESOLUTION.resolved_by_status_poll).toBe("Исправлено запросом статуса в банке");
  });

  it("knows the days in Simferopol", () => {
    expect(formatDay("2026-12-15")).toBe("15.12.2026");
    // 22:30 UTC is already the next day in Crimea (UTC+3).
    expect(localToday(new Date("2026-12-15T22:30:00Z"))).toBe("2026-12-16");
    expect(dayBefore("2027-01-01")).toBe("2026-12-31");
  });
});

describe("the lookup's query", () => {
  it("sends only the filters given, with the page", () => {
    expect(paymentsQuery(NO_FILTERS, 0)).toBe("/operator/payments?limit=20");
    const filters = { region: "yalta", number: " 91000202 ", status: "succeeded", from: "2026-12-01", to: "2026-12-16" };
    expect(paymentsQuery(filters, 40, 21)).toBe(
      "/operator/payments?region_code=yalta&account_number=91000202&status=succeeded&from=2026-12-01&to=2026-12-16&limit=21&offset=40",
    );
  });

  it("keeps the filters in the page's address and reads them back", () => {
    const filters = { ...NO_FILTERS, number: "91000101", status: "refunded" };
    const search = filtersToSearch(filters, 20);
    expect(search.toString()).toBe("number=91000101&status=refunded&offset=20");
    expect(filtersFromSearch(search)).toEqual(filters);
  });
});
