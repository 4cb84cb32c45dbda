/**
 * What the two result pages share — one payment's (`/payments/{id}/result`) and a basket's
 * (`/payments/baskets/{id}/result`): asking the portal until the bank has answered, the waiting
 * and «банк еще не сообщил» panels, the paid mark and facts, and what became of the money of a
 * payment that did not go through.
 */

import { useEffect, useState } from "react";

import { api, ApiError, messageOf } from "../api/client";
import type { Card, PayMethod, PaymentStatus, SbpQr } from "../api/types";
import { CARD_BRAND, formatDateTime, formatPan } from "../lib/format";

export const NOT_CHARGED = "Деньги с карты не списаны. Попробуйте оплатить еще раз или другой картой.";
export const NOT_CHARGED_SBP = "Деньги не списаны. Попробуйте оплатить еще раз.";
export const AWAITING_SBP = "Ожидаем оплату…";
export const RETURNED =
  "Деньги возвращены на карту. Банку, выпустившему карту, может потребоваться несколько дней, чтобы они снова стали доступны.";
export const NOT_FOUND = "Платеж не найден. Проверьте его статус в разделе «Платежи».";

/** How often and how long the pages ask (tests make these short): a card's answer comes in
 * seconds; an SBP payer may take minutes in the bank's app, up to the bank's 20-minute session. */
export const resultPolling = { intervalMs: 1500, limitMs: 60_000, sbpIntervalMs: 3000, sbpLimitMs: 21 * 60_000 };

/** What both a payment and a basket say of their outcome. */
export interface Outcome {
  status: PaymentStatus;
  method?: PayMethod;
  card: Card | null;
  failure_reason: string | null;
  paid_at: string | null;
  expires_at: string | null;
}

export type OutcomeView<T> =
  | { kind: "waiting"; item: T | null; trouble: string | null }
  | { kind: "settled"; item: T }
  | { kind: "timeout"; item: T | null }
  | { kind: "missing" };

/** Ask `path` (the portal checks a pending payment with the bank on read) until it is no longer
 * pending, for up to a minute — or the bank's SBP session when the payment is by SBP. */
export function useOutcome<T extends Outcome>(path: string, qr: SbpQr | null): OutcomeView<T> {
  const [view, setView] = useState<OutcomeView<T>>({ kind: "waiting", item: null, trouble: null });

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    setView({ kind: "waiting", item: null, trouble: null });

    async function ask() {
      let last: T | null = null;
      let sbp = qr !== null;
      try {
        const item = await api.get<T>(path);
        if (stopped) return;
        if (item.status !== "pending") {
          setView({ kind: "settled", item });
          return;
        }
        last = item;
        sbp = sbp || item.method === "sbp";
        setView({ kind: "waiting", item, trouble: null });
      } catch (caught) {
        if (stopped) return;
        if (caught instanceof ApiError && (caught.status === 404 || caught.status === 422)) {
          setView({ kind: "missing" });
          return;
        }
        if (caught instanceof ApiError && caught.status === 401) return; // the app goes to sign-in
        const trouble = messageOf(caught);
        setView((v) => (v.kind === "waiting" ? { ...v, trouble } : v));
      }
      if (Date.now() - started >= (sbp ? resultPolling.sbpLimitMs : resultPolling.limitMs)) {
        setView((v) => ({ kind: "timeout", item: v.kind === "waiting" ? (v.item ?? last) : last }));
        return;
      }
      timer = setTimeout(ask, sbp ? resultPolling.sbpIntervalMs : resultPolling.intervalMs);
    }

    void ask();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
    // The QR code is read once per payment; it does not change while the page polls.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path]);

  return view;
}

/** Whether the money of an unsuccessful payment went back to the card: the bank took it, then
 * reversed or refunded the order (`failure_reason`), or it was refunded after it succeeded. */
export function moneyReturned(payment: Pick<Outcome, "status" | "failure_reason">): boolean {
  return payment.status === "refunded" || payment.failure_reason === "reversed" || payment.failure_reason === "refunded";
}

/** Under a payment that did not go through: whether the money was taken and what to do. */
export function MoneyNote({ outcome }: { outcome: Outcome }) {
  const text = moneyReturned(outcome) ? RETURNED : outcome.method === "sbp" ? NOT_CHARGED_SBP : NOT_CHARGED;
  return <p className="muted small">{text}</p>;
}

export function WaitingPanel({ bySbp, trouble }: { bySbp: boolean; trouble: string | null }) {
  return (
    <div className="card result result-waiting">
      <div className="spinner" aria-hidden="true" />
      <div>
        <p className="result-title">{bySbp ? AWAITING_SBP : "Проверяем результат оплаты…"}</p>
        <p className="muted">
          {bySbp
            ? "Подтвердите платеж в приложении банка. Результат появится на этой странице, не закрывайте ее."
            : "Банк обрабатывает платеж. Обычно это занимает несколько секунд, не закрывайте страницу."}
        </p>
        <div className="progress-bar" aria-hidden="true">
          <div className="progress-bar-fill" />
        </div>
        {trouble ? <p className="small">{trouble}. Продолжаем проверку.</p> : null}
      </div>
    </div>
  );
}

export function NoAnswerPanel({ where, note }: { where: string; note?: string | null }) {
  return (
    <div className="card result result-info">
      <p className="result-title">Банк еще не сообщил результат оплаты</p>
      <p>{where}</p>
      {note ? <p className="muted small">{note}.</p> : null}
    </div>
  );
}

export function MissingPanel() {
  return (
    <div className="card result result-failed">
      <p className="result-title">{NOT_FOUND}</p>
    </div>
  );
}

export function PaidMark() {
  return (
    <svg className="result-icon" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false">
      <circle cx="24" cy="24" r="22" fill="#e6f4ea" />
      <path d="M14 25l7 7 13-15" fill="none" stroke="#1e7b34" strokeWidth="4" strokeLinecap="round" strokeLinejoin="round" />
    </svg>
  );
}

/** The way it was paid and when, as entries of a `<dl className="facts">`. */
export function PaidFacts({ outcome }: { outcome: Outcome }) {
  return (
    <>
      {outcome.method === "sbp" ? (
        <div>
          <dt>Способ оплаты</dt>
          <dd>СБП</dd>
        </div>
      ) : null}
      {outcome.card ? (
        <div>
          <dt>Карта</dt>
          <dd>
            {CARD_BRAND[outcome.card.brand] ?? outcome.card.brand} {formatPan(outcome.card.pan_masked)}
          </dd>
        </div>
      ) : null}
      {outcome.paid_at ? (
        <div>
          <dt>Дата</dt>
          <dd>{formatDateTime(outcome.paid_at)}</dd>
        </div>
      ) : null}
    </>
  );
}
