/**
 * The staff's payments in Russian words: a payment's story line by line, refunds and their
 * statuses, what is left to give back, the reconciliation's findings, and the lookup's query.
 * No I/O.
 */

import { ApiError } from "../api/client";
import type { DiscrepancyKind, Reconciliation, Refund, RefundStatus, StaffPayment, StoryLine } from "../api/finance";
import type { PaymentStatus } from "../api/types";
import { CARD_BRAND, TIME_ZONE, formatPan } from "./format";
import { checkAmount, formatMoney, fromKopecks, toKopecks, type AmountCheck } from "./money";

export const REFUND_STATUS: Record<RefundStatus, string> = {
  awaiting_approval: "Ожидает подтверждения",
  pending: "Передан в банк",
  succeeded: "Выполнен",
  failed: "Банк отказал",
  rejected: "Отклонен",
};

/** A payment's status as the staff read it (a payment given back in part stays «Оплачен»). */
export const STAFF_PAYMENT_STATUS: Record<PaymentStatus, string> = {
  pending: "Ожидает оплаты",
  succeeded: "Оплачен",
  failed: "Не прошел",
  expired: "Время оплаты истекло",
  refunded: "Возвращен полностью",
};

export const METHOD: Record<string, string> = { card: "Банковская карта", sbp: "СБП" };

/** How a payment was paid: the card (brand and masked number) or the method's name. */
export function wayToPay(payment: Pick<StaffPayment, "card" | "method">): string {
  if (payment.card) return `${CARD_BRAND[payment.card.brand] ?? payment.card.brand} ${formatPan(payment.card.pan_masked)}`;
  return METHOD[payment.method] ?? payment.method;
}

// The statuses whose amount is spoken for (services/payments domain/refunds.py RESERVING).
const RESERVING: ReadonlySet<RefundStatus> = new Set(["awaiting_approval", "pending", "succeeded"]);

/** Kopecks that may still be given back: what was paid less every refund waiting, at the bank or done. */
export function leftToRefundKopecks(payment: Pick<StaffPayment, "amount" | "status">, refunds: Pick<Refund, "amount" | "status">[]): number {
  if (payment.status !== "succeeded") return 0;
  const reserved = refunds.filter((r) => RESERVING.has(r.status)).reduce((sum, r) => sum + toKopecks(r.amount), 0);
  return Math.max(toKopecks(payment.amount) - reserved, 0);
}

/** The same, as the API's decimal string ("1000.00"). */
export function leftToRefund(payment: Pick<StaffPayment, "amount" | "status">, refunds: Pick<Refund, "amount" | "status">[]): string {
  return fromKopecks(leftToRefundKopecks(payment, refunds));
}

/** What was typed as a refund's amount, checked against what is left (kopecks): the API's decimal string. */
export function checkRefundAmount(input: string, leftKopecks: number): AmountCheck {
  const checked = checkAmount(input, Number.MAX_SAFE_INTEGER);
  if (!checked.ok) {
    return { ok: false, error: checked.error.replace("Укажите сумму платежа", "Укажите сумму возврата").replace("Сумма платежа", "Сумма возврата") };
  }
  if (toKopecks(checked.value) > leftKopecks) {
    return { ok: false, error: `Сумма возврата больше, чем осталось вернуть: не более ${formatMoney(fromKopecks(leftKopecks))}` };
  }
  return checked;
}

export const AWAITING_SECOND = "Ожидает подтверждения второго сотрудника";
export const SAME_ACTOR = "Подтвердить возврат должен другой сотрудник";

/** What the refund form says once the API answered the request. */
export function refundOutcome(refund: Pick<Refund, "amount" | "status" | "failure_reason">): { kind: "success" | "info" | "error"; text: string } {
  const amount = formatMoney(refund.amount);
  switch (refund.status) {
    case "succeeded":
      return { kind: "success", text: `Возврат ${amount} выполнен: деньги возвращены на карту плательщика` };
    case "awaiting_approval":
      return { kind: "info", text: `Возврат ${amount} создан. ${AWAITING_SECOND}` };
    case "pending":
      return { kind: "info", text: `Возврат ${amount} передан в банк, ответ банка ожидается` };
    case "failed":
      return { kind: "error", text: `Банк отказал в возврате ${amount}${refund.failure_reason ? `: ${refund.failure_reason}` : ""}` };
    default:
      return { kind: "error", text: `Возврат ${amount} отклонен` };
  }
}

/** A decision's refusal in words: one's own request is for another person to approve. */
export function decisionError(error: unknown, fallback: string): string {
  if (error instanceof ApiError) {
    if (error.code === "same_actor") return `${SAME_ACTOR}: Вы сами запросили этот возврат`;
    return error.detail;
  }
  return fallback;
}

const SOURCES: Record<string, string> = {
  read: "при просмотре платежа абонентом",
  callback: "после уведомления банка",
  poll: "плановая проверка",
  reconciliation: "при сверке с банком",
};

const EVENTS: Record<string, string> = {
  "payments.payment.succeeded.v1": "платеж прошел",
  "payments.payment.failed.v1": "платеж не прошел",
  "payments.payment.refunded.v1": "возврат платежа",
};

const OUTCOMES: Record<string, string> = { succeeded: "оплачен", failed: "не прошел", expired: "время оплаты истекло" };

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

function kopecks(value: unknown): string | null {
  return typeof value === "number" && Number.isFinite(value) ? formatMoney(fromKopecks(value)) : null;
}

function joined(parts: (string | null | false | undefined)[]): string {
  return parts.filter(Boolean).join(", ");
}

/** One line of a payment's story: what happened (`title`) and its particulars (`text`). */
export function storyLine(line: Pick<StoryLine, "kind" | "detail">): { title: string; text: string } {
  const d = line.detail ?? {};
  switch (line.kind) {
    case "order_registered":
      return {
        title: "Заказ зарегистрирован в банке",
        text: joined([
          kopecks(d.amount_kopecks) && `сумма ${kopecks(d.amount_kopecks)}`,
          text(d.method) && (METHOD[String(d.method)] ?? String(d.method)),
          text(d.order_number) && `номер заказа ${d.order_number}`,
        ]),
      };
    case "callback_received":
      return {
        title: "Получено уведомление банка",
        text: joined([text(d.operation) && `операция ${d.operation}`, text(d.status) && `статус ${d.status === "1" ? "успешно" : d.status === "0" ? "неуспешно" : d.status}`]),
      };
    case "status_polled":
      return {
        title: "Статус запрошен в банке",
        text: joined([
          text(d.source) && (SOURCES[String(d.source)] ?? String(d.source)),
          d.order_status !== undefined && d.order_status !== null && `состояние заказа ${String(d.order_status)}`,
          kopecks(d.amount_kopecks) && `сумма ${kopecks(d.amount_kopecks)}`,
          d.amount_mismatch === true && "сумма в банке не совпадает",
          text(d.outcome) && `итог: ${OUTCOMES[String(d.outcome)] ?? d.outcome}`,
        ]),
      };
    case "event_published":
      return { title: "Отправлено событие", text: text(d.type) ? (EVENTS[String(d.type)] ?? String(d.type)) : "" };
    case "refund_requested":
      return {
        title: "Запрошен возврат",
        text: joined([kopecks(d.amount_kopecks), d.status === "awaiting_approval" && AWAITING_SECOND.toLowerCase()]),
      };
    case "refund_approved":
      return { title: "Возврат подтвержден вторым сотрудником", text: "" };
    case "refund_rejected":
      return { title: "Возврат отклонен", text: text(d.comment) ? `комментарий: ${d.comment}` : "" };
    case "refund_succeeded":
      return {
        title: "Деньги возвращены на карту",
        text: joined([kopecks(d.amount_kopecks), d.payment_status === "refunded" && "платеж возвращен полностью"]),
      };
    case "refund_failed":
      return { title: "Банк отказал в возврате", text: text(d.reason) ?? "" };
    case "reconciliation_resolved":
      return { title: "Статус уточнен при сверке с банком", text: text(d.date) ? `сверка за ${formatDay(String(d.date))}` : "" };
    default:
      return { title: line.kind, text: "" };
  }
}

export const DISCREPANCY_KIND: Record<DiscrepancyKind, string> = {
  missing_here: "Есть в банке, нет у нас",
  missing_at_bank: "Есть у нас, нет в банке",
  amount_mismatch: "Суммы не совпадают",
  status_mismatch: "Статусы не совпадают",
};

export const RESOLUTION: Record<string, string> = {
  needs_review: "Требует проверки",
  resolved_by_status_poll: "Исправлено запросом статуса в банке",
};

export const RECONCILIATION_STATUS: Record<Reconciliation["status"], string> = {
  running: "Выполняется",
  completed: "Завершена",
  failed: "Не удалась",
};

/** "2026-12-15" -> "15.12.2026". */
export function formatDay(day: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : day;
}

/** Today in Simferopol as "2026-12-16" (the API's local day). */
export function localToday(now: Date = new Date()): string {
  const parts = new Intl.DateTimeFormat("en-CA", { timeZone: TIME_ZONE, year: "numeric", month: "2-digit", day: "2-digit" }).formatToParts(now);
  const part = (type: string) => parts.find((p) => p.type === type)?.value ?? "";
  return `${part("year")}-${part("month")}-${part("day")}`;
}

export interface PaymentFilters {
  region: string;
  number: string;
  status: string;
  from: string;
  to: string;
}

export const NO_FILTERS: PaymentFilters = { region: "", number: "", status: "", from: "", to: "" };

export const PAGE_SIZE = 20;

/** `GET /operator/payments` with the filters given (days as the API's local days), a page at `offset`. */
export function paymentsQuery(filters: PaymentFilters, offset: number, limit: number = PAGE_SIZE): string {
  const query = new URLSearchParams();
  if (filters.region) query.set("region_code", filters.region);
  if (filters.number.trim()) query.set("account_number", filters.number.trim());
  if (filters.status) query.set("status", filters.status);
  if (filters.from) query.set("from", filters.from);
  if (filters.to) query.set("to", filters.to);
  query.set("limit", String(limit));
  if (offset) query.set("offset", String(offset));
  return `/operator/payments?${query.toString()}`;
}

/** The lookup's filters as the page's address keeps them (back from a story returns to them). */
export function filtersFromSearch(search: URLSearchParams): PaymentFilters {
  return {
    region: search.get("region") ?? "",
    number: search.get("number") ?? "",
    status: search.get("status") ?? "",
    from: search.get("from") ?? "",
    to: search.get("to") ?? "",
  };
}

export function filtersToSearch(filters: PaymentFilters, offset: number): URLSearchParams {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(filters)) if (value.trim()) search.set(key, value.trim());
  if (offset) search.set("offset", String(offset));
  return search;
}

/** A day's CSV as the server names it, should its header say nothing. */
export function reconciliationFilename(day: string): string {
  return `reconciliation-${day}.csv`;
}
