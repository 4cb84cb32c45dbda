/**
 * `/payments/baskets/{id}/result`, where the bank sends the payer of «Оплатить несколько счетов»
 * back: the basket (`GET /payments/baskets/{id}`, checked with the bank while pending) is asked
 * for as the result page of one payment asks for it, until it is settled — «Оплата прошла
 * успешно» with every account, its amount and the total, or why it did not go through and what
 * became of the money. An SBP basket shows its QR code while it waits (passed by the basket
 * dialog, or kept by this tab), with «Открыть приложение банка» on a phone.
 */

import { useEffect, useState } from "react";
import { Link, useLocation, useParams } from "react-router";

import { api, ApiError, messageOf } from "../api/client";
import type { Basket } from "../api/types";
import { SbpPanel } from "../components/PayMethods";
import { Page, ProcessingNote } from "../components/ui";
import { CARD_BRAND, formatDateTime, formatPan, plural } from "../lib/format";
import { formatMoney } from "../lib/money";
import { sbpOf } from "../lib/pending";
import { AWAITING_SBP, moneyReturned, NOT_CHARGED, NOT_CHARGED_SBP, RETURNED, resultPolling } from "./PaymentResultPage";

type View =
  | { kind: "waiting"; basket: Basket | null; trouble: string | null }
  | { kind: "settled"; basket: Basket }
  | { kind: "timeout"; basket: Basket | null }
  | { kind: "missing" };

export function BasketResultPage() {
  const { id = "" } = useParams();
  return <BasketResult key={id} id={id} />;
}

function BasketResult({ id }: { id: string }) {
  const location = useLocation();
  const qr = sbpOf(location.state, id);
  const [view, setView] = useState<View>({ kind: "waiting", basket: null, trouble: null });

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();

    async function ask() {
      let last: Basket | null = null;
      let sbp = qr !== null;
      try {
        const basket = await api.get<Basket>(`/payments/baskets/${encodeURIComponent(id)}`);
        if (stopped) return;
        if (basket.status !== "pending") {
          setView({ kind: "settled", basket });
          return;
        }
        last = basket;
        sbp = sbp || basket.method === "sbp";
        setView({ kind: "waiting", basket, trouble: null });
      } catch (caught) {
        if (stopped) return;
        if (caught instanceof ApiError && (caught.status === 404 || caught.status === 422)) {
          setView({ kind: "missing" });
          return;
        }
        if (caught instanceof ApiError && caught.status === 401) return;
        const trouble = messageOf(caught);
        setView((v) => (v.kind === "waiting" ? { ...v, trouble } : v));
      }
      if (Date.now() - started >= (sbp ? resultPolling.sbpLimitMs : resultPolling.limitMs)) {
        setView((v) => ({ kind: "timeout", basket: v.kind === "waiting" ? (v.basket ?? last) : last }));
        return;
      }
      timer = setTimeout(ask, sbp ? resultPolling.sbpIntervalMs : resultPolling.intervalMs);
    }

    void ask();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
    // The QR code is read once; it does not change while the page polls.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [id]);

  const known = view.kind === "missing" ? null : view.basket;
  const bySbp = qr !== null || known?.method === "sbp";
  const count = known?.items.length ?? 0;
  return (
    <Page title="Результат оплаты" className="page-narrow">
      {known ? (
        <p className="page-lead">
          Оплата {count} {plural(count, "лицевого счета", "лицевых счетов", "лицевых счетов")} одним платежом на {formatMoney(known.amount)}.
        </p>
      ) : null}
      {view.kind === "waiting" && qr ? <SbpPanel qr={qr} expiresAt={view.basket?.expires_at ?? null} /> : null}
      <div className="live-slot" role="status" aria-live="polite" aria-busy={view.kind === "waiting"}>
        {view.kind === "waiting" ? (
          <div className="card result result-waiting">
            <div className="spinner" aria-hidden="true" />
            <div>
              <p className="result-title">{bySbp ? AWAITING_SBP : "Проверяем результат оплаты…"}</p>
              <p className="muted">
                {bySbp
                  ? "Подтвердите платеж в приложении банка. Результат появится на этой странице, не закрывайте ее."
                  : "Банк обрабатывает платеж. Обычно это занимает несколько секунд, не закрывайте страницу."}
              </p>
              {view.trouble ? <p className="small">{view.trouble}. Продолжаем проверку.</p> : null}
            </div>
          </div>
        ) : null}
        {view.kind === "settled" && view.basket.status === "succeeded" ? <BasketPaid basket={view.basket} /> : null}
        {view.kind === "timeout" ? (
          <div className="card result result-info">
            <p className="result-title">Банк еще не сообщил результат оплаты</p>
            <p>Статус платежей появится в разделе «Платежи» каждого счета, как только банк их подтвердит.</p>
          </div>
        ) : null}
      </div>
      <div className="live-slot" role="alert">
        {view.kind === "settled" && view.basket.status !== "succeeded" ? <BasketNotPaid basket={view.basket} /> : null}
        {view.kind === "missing" ? (
          <div className="card result result-failed">
            <p className="result-title">Платеж не найден. Проверьте его статус в разделе «Платежи».</p>
          </div>
        ) : null}
      </div>
      {view.kind !== "waiting" ? (
        <div className="form-actions">
          <Link to="/accounts" className="button button-primary">
            К моим счетам
          </Link>
          <Link to="/payments" className="button button-secondary">
            К платежам
          </Link>
        </div>
      ) : null}
    </Page>
  );
}

function Lines({ basket }: { basket: Basket }) {
  return (
    <div className="table-wrap basket-lines-wrap">
      <table className="table basket-lines">
        <caption className="visually-hidden">Лицевые счета платежа</caption>
        <thead>
          <tr>
            <th scope="col">Лицевой счет</th>
            <th scope="col" className="num">
              Сумма
            </th>
          </tr>
        </thead>
        <tbody>
          {basket.items.map((item) => (
            <tr key={item.payment_id}>
              <td>№&nbsp;{item.account_number}</td>
              <td className="num">{formatMoney(item.amount)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Итого</th>
            <td className="num">{formatMoney(basket.amount)}</td>
          </tr>
        </tfoot>
      </table>
    </div>
  );
}

function BasketPaid({ basket }: { basket: Basket }) {
  return (
    <div className="card result result-success">
      <svg className="result-icon" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false">
        <circle cx="24" cy="24" r="22" fill="#e6f4ea" />
        <path d="M14 25l7 7 13-15" fill="none" stroke="#1e7b34" strokeWidth="4" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <p className="result-title">{basket.message}</p>
      <Lines basket={basket} />
      <dl className="facts facts-compact">
        {basket.method === "sbp" ? (
          <div>
            <dt>Способ оплаты</dt>
            <dd>СБП</dd>
          </div>
        ) : null}
        {basket.card ? (
          <div>
            <dt>Карта</dt>
            <dd>
              {CARD_BRAND[basket.card.brand] ?? basket.card.brand} {formatPan(basket.card.pan_masked)}
            </dd>
          </div>
        ) : null}
        {basket.paid_at ? (
          <div>
            <dt>Дата</dt>
            <dd>{formatDateTime(basket.paid_at)}</dd>
          </div>
        ) : null}
      </dl>
      <ProcessingNote />
    </div>
  );
}

function BasketNotPaid({ basket }: { basket: Basket }) {
  const returned = moneyReturned(basket);
  return (
    <div className="card result result-failed">
      {basket.status === "refunded" ? (
        <p className="result-title">{basket.message}</p>
      ) : (
        <>
          <p className="result-title">Оплата не прошла</p>
          <p>{basket.message}</p>
        </>
      )}
      <Lines basket={basket} />
      <p className="muted small">{returned ? RETURNED : basket.method === "sbp" ? NOT_CHARGED_SBP : NOT_CHARGED}</p>
    </div>
  );
}
