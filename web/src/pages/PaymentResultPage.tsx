/**
 * `/payments/{id}/result`, where the bank sends the payer back: the payment is asked for every
 * 1.5 s (the portal checks a pending one with the bank on read) for up to a minute, then the
 * outcome for the account it was for: «Оплата прошла успешно» with the amount and card, or the
 * reason it failed and what became of the money — never taken (declined, lapsed), with
 * «Оплатить еще раз», which opens the pay dialog for the account with the same amount; or
 * returned to the card (the bank reversed or refunded it).
 *
 * An SBP payment shows its QR code while it waits (from the pay dialog: the navigation's state, or
 * this tab's sessionStorage after a reload), with «Открыть приложение банка» on a phone; it says
 * «Ожидаем оплату…» and is asked every 3 s for as long as the bank's session lasts (20 minutes).
 */

import { useEffect, useState } from "react";
import { Link, useLocation, useParams } from "react-router";

import { api, ApiError, messageOf } from "../api/client";
import type { Account, Payment } from "../api/types";
import { PayDialog } from "../components/PayDialog";
import { SbpPanel } from "../components/PayMethods";
import { Page, ProcessingNote } from "../components/ui";
import { CARD_BRAND, formatDateTime, formatPan, pendingNote } from "../lib/format";
import { formatMoney } from "../lib/money";
import { sbpOf } from "../lib/pending";

export const NOT_CHARGED = "Деньги с карты не списаны. Попробуйте оплатить еще раз или другой картой.";
export const NOT_CHARGED_SBP = "Деньги не списаны. Попробуйте оплатить еще раз.";
export const AWAITING_SBP = "Ожидаем оплату…";
export const RETURNED =
  "Деньги возвращены на карту. Банку, выпустившему карту, может потребоваться несколько дней, чтобы они снова стали доступны.";

/** Whether the money of an unsuccessful payment went back to the card: the bank took it, then
 * reversed or refunded the order (`failure_reason`), or it was refunded after it succeeded. */
export function moneyReturned(payment: Pick<Payment, "status" | "failure_reason">): boolean {
  return payment.status === "refunded" || payment.failure_reason === "reversed" || payment.failure_reason === "refunded";
}

/** How often and how long the page asks (tests make these short): a card's answer comes in
 * seconds; an SBP payer may take minutes in the bank's app, up to the bank's 20-minute session. */
export const resultPolling = { intervalMs: 1500, limitMs: 60_000, sbpIntervalMs: 3000, sbpLimitMs: 21 * 60_000 };


type View =
  | { kind: "waiting"; payment: Payment | null; trouble: string | null }
  | { kind: "settled"; payment: Payment }
  | { kind: "timeout"; payment: Payment | null }
  | { kind: "missing"; message: string };

export function PaymentResultPage() {
  const { id = "" } = useParams();
  return <OnePaymentResult key={id} id={id} />;
}

function OnePaymentResult({ id }: { id: string }) {
  const location = useLocation();
  const qr = sbpOf(location.state, id);
  const [view, setView] = useState<View>({ kind: "waiting", payment: null, trouble: null });

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const started = Date.now();
    setView({ kind: "waiting", payment: null, trouble: null });

    async function ask() {
      let last: Payment | null = null;
      let sbp = qr !== null;
      try {
        const payment = await api.get<Payment>(`/payments/${encodeURIComponent(id)}`);
        if (stopped) return;
        if (payment.status !== "pending") {
          setView({ kind: "settled", payment });
          return;
        }
        last = payment;
        sbp = sbp || payment.method === "sbp";
        setView({ kind: "waiting", payment, trouble: null });
      } catch (caught) {
        if (stopped) return;
        if (caught instanceof ApiError && (caught.status === 404 || caught.status === 422)) {
          setView({ kind: "missing", message: "Платеж не найден. Проверьте его статус в разделе «Платежи»." });
          return;
        }
        if (caught instanceof ApiError && caught.status === 401) return; // the app goes to sign-in
        const trouble = messageOf(caught);
        setView((v) => (v.kind === "waiting" ? { ...v, trouble } : v));
      }
      if (Date.now() - started >= (sbp ? resultPolling.sbpLimitMs : resultPolling.limitMs)) {
        setView((v) => ({ kind: "timeout", payment: v.kind === "waiting" ? (v.payment ?? last) : last }));
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
  }, [id]);

  const current = view.kind === "missing" ? null : view.payment;
  const bySbp = qr !== null || current?.method === "sbp";

  const accountId = view.kind === "settled" || view.kind === "timeout" || view.kind === "waiting" ? view.payment?.account_id : undefined;
  const lapse = view.kind === "timeout" && view.payment ? pendingNote(view.payment.expires_at) : null;
  const failed = view.kind === "settled" && view.payment.status !== "succeeded";
  return (
    <Page title="Результат оплаты" className="page-narrow">
      {view.kind === "waiting" && qr ? <SbpPanel qr={qr} expiresAt={view.payment?.expires_at ?? null} /> : null}
      <div className="live-slot" role="status" aria-live="polite" aria-busy={view.kind === "waiting"}>
        {view.kind === "waiting" ? (
          <div className="card result result-waiting">
            <div className="spinner" aria-hidden="true" />
            <div>
              {bySbp ? (
                <>
                  <p className="result-title">{AWAITING_SBP}</p>
                  <p className="muted">Подтвердите платеж в приложении банка. Результат появится на этой странице, не закрывайте ее.</p>
                </>
              ) : (
                <>
                  <p className="result-title">Проверяем результат оплаты…</p>
                  <p className="muted">Банк обрабатывает платеж. Обычно это занимает несколько секунд, не закрывайте страницу.</p>
                </>
              )}
              <div className="progress-bar" aria-hidden="true">
                <div className="progress-bar-fill" />
              </div>
              {view.trouble ? <p className="small">{view.trouble}. Продолжаем проверку.</p> : null}
            </div>
          </div>
        ) : null}
        {view.kind === "settled" && view.payment.status === "succeeded" ? <Succeeded payment={view.payment} /> : null}
        {view.kind === "timeout" ? (
          <div className="card result result-info">
            <p className="result-title">Банк еще не сообщил результат оплаты</p>
            <p>Статус платежа появится в разделе «Платежи», как только банк его подтвердит.</p>
            {lapse ? <p className="muted small">{lapse}.</p> : null}
          </div>
        ) : null}
      </div>
      <div className="live-slot" role="alert">
        {view.kind === "settled" && view.payment.status !== "succeeded" ? <NotPaid payment={view.payment} /> : null}
        {view.kind === "missing" ? (
          <div className="card result result-failed">
            <p className="result-title">{view.message}</p>
          </div>
        ) : null}
      </div>
      {view.kind !== "waiting" ? (
        <div className="form-actions">
          {failed && view.payment.status !== "refunded" ? <PayAgain payment={view.payment} /> : null}
          <Link to="/accounts" className={`button ${failed ? "button-secondary" : "button-primary"}`}>
            К моим счетам
          </Link>
          <Link to={accountId ? `/payments?account=${accountId}` : "/payments"} className="button button-secondary">
            К платежам
          </Link>
        </div>
      ) : null}
    </Page>
  );
}

function Succeeded({ payment }: { payment: Payment }) {
  return (
    <div className="card result result-success">
      <svg className="result-icon" viewBox="0 0 48 48" width="48" height="48" aria-hidden="true" focusable="false">
        <circle cx="24" cy="24" r="22" fill="#e6f4ea" />
        <path d="M14 25l7 7 13-15" fill="none" stroke="#1e7b34" strokeWidth="4" strokeLinecap="round" strokeLinejoin="round" />
      </svg>
      <p className="result-title">{payment.message}</p>
      <dl className="facts facts-compact">
        <AccountFact payment={payment} />
        <div>
          <dt>Сумма</dt>
          <dd>{formatMoney(payment.amount)}</dd>
        </div>
        {payment.method === "sbp" ? (
          <div>
            <dt>Способ оплаты</dt>
            <dd>СБП</dd>
          </div>
        ) : null}
        {payment.card ? (
          <div>
            <dt>Карта</dt>
            <dd>
              {CARD_BRAND[payment.card.brand] ?? payment.card.brand} {formatPan(payment.card.pan_masked)}
            </dd>
          </div>
        ) : null}
        {payment.paid_at ? (
          <div>
            <dt>Дата</dt>
            <dd>{formatDateTime(payment.paid_at)}</dd>
          </div>
        ) : null}
      </dl>
      <ProcessingNote />
    </div>
  );
}

function AccountFact({ payment }: { payment: Payment }) {
  if (!payment.account_number) return null;
  return (
    <div>
      <dt>Лицевой счет</dt>
      <dd>№&nbsp;{payment.account_number}</dd>
    </div>
  );
}

function NotPaid({ payment }: { payment: Payment }) {
  const returned = moneyReturned(payment);
  return (
    <div className="card result result-failed">
      {payment.status === "refunded" ? (
        <p className="result-title">{payment.message}</p>
      ) : (
        <>
          <p className="result-title">Оплата не прошла</p>
          <p>{payment.message}</p>
        </>
      )}
      <dl className="facts facts-compact">
        <AccountFact payment={payment} />
        <div>
          <dt>Сумма</dt>
          <dd>{formatMoney(payment.amount)}</dd>
        </div>
      </dl>
      <p className="muted small">{returned ? RETURNED : payment.method === "sbp" ? NOT_CHARGED_SBP : NOT_CHARGED}</p>
    </div>
  );
}

/** «Оплатить еще раз»: the pay dialog for the payment's account, with the amount of this attempt. */
function PayAgain({ payment }: { payment: Payment }) {
  const [account, setAccount] = useState<Account | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function open() {
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const accounts = await api.get<Account[]>("/accounts");
      const found = accounts.find((a) => a.id === payment.account_id);
      if (found) setAccount(found);
      else setError("Этот лицевой счет больше не привязан к Вашей учетной записи");
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      <button
        type="button"
        className="button button-primary"
        onClick={() => void open()}
        aria-disabled={busy || undefined}
        aria-describedby={error ? "pay-again-error" : undefined}
      >
        Оплатить еще раз
      </button>
      {error ? (
        <p id="pay-again-error" className="field-error" role="alert">
          {error}
        </p>
      ) : null}
      {account ? <PayDialog account={account} amount={payment.amount} onClose={() => setAccount(null)} /> : null}
    </>
  );
}
