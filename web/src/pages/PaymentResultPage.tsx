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

import { useState } from "react";
import { Link, useLocation, useParams } from "react-router";

import { api, messageOf } from "../api/client";
import type { Account, Payment } from "../api/types";
import { PayDialog } from "../components/PayDialog";
import { SbpPanel } from "../components/PayMethods";
import {
  MissingPanel,
  MoneyNote,
  NoAnswerPanel,
  PaidFacts,
  PaidMark,
  useOutcome,
  WaitingPanel,
} from "../components/PaymentOutcome";
import { Page, ProcessingNote } from "../components/ui";
import { pendingNote } from "../lib/format";
import { formatMoney } from "../lib/money";
import { sbpOf } from "../lib/pending";

export function PaymentResultPage() {
  const { id = "" } = useParams();
  return <OnePaymentResult key={id} id={id} />;
}

function OnePaymentResult({ id }: { id: string }) {
  const location = useLocation();
  const qr = sbpOf(location.state, id);
  const view = useOutcome<Payment>(`/payments/${encodeURIComponent(id)}`, qr);

  const current = view.kind === "missing" ? null : view.item;
  const bySbp = qr !== null || current?.method === "sbp";
  const accountId = current?.account_id;
  const lapse = view.kind === "timeout" && view.item ? pendingNote(view.item.expires_at) : null;
  const failed = view.kind === "settled" && view.item.status !== "succeeded";
  return (
    <Page title="Результат оплаты" className="page-narrow">
      {view.kind === "waiting" && qr ? <SbpPanel qr={qr} expiresAt={view.item?.expires_at ?? null} /> : null}
      <div className="live-slot" role="status" aria-live="polite" aria-busy={view.kind === "waiting"}>
        {view.kind === "waiting" ? <WaitingPanel bySbp={bySbp} trouble={view.trouble} /> : null}
        {view.kind === "settled" && view.item.status === "succeeded" ? <Succeeded payment={view.item} /> : null}
        {view.kind === "timeout" ? (
          <NoAnswerPanel where="Статус платежа появится в разделе «Платежи», как только банк его подтвердит." note={lapse} />
        ) : null}
      </div>
      <div className="live-slot" role="alert">
        {view.kind === "settled" && view.item.status !== "succeeded" ? <NotPaid payment={view.item} /> : null}
        {view.kind === "missing" ? <MissingPanel /> : null}
      </div>
      {view.kind !== "waiting" ? (
        <div className="form-actions">
          {failed && view.item.status !== "refunded" ? <PayAgain payment={view.item} /> : null}
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
      <PaidMark />
      <p className="result-title">{payment.message}</p>
      <dl className="facts facts-compact">
        <AccountFact payment={payment} />
        <div>
          <dt>Сумма</dt>
          <dd>{formatMoney(payment.amount)}</dd>
        </div>
        <PaidFacts outcome={payment} />
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
      <MoneyNote outcome={payment} />
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
