/**
 * `/payments/baskets/{id}/result`, where the bank sends the payer of «Оплатить несколько счетов»
 * back: the basket (`GET /payments/baskets/{id}`, checked with the bank while pending) is asked
 * for as the result page of one payment asks for it, until it is settled — «Оплата прошла
 * успешно» with every account, its amount and the total, or why it did not go through and what
 * became of the money. An SBP basket shows its QR code while it waits (passed by the basket
 * dialog, or kept by this tab), with «Открыть приложение банка» on a phone.
 */

import { Link, useLocation, useParams } from "react-router";

import type { Basket } from "../api/types";
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
import { plural } from "../lib/format";
import { formatMoney } from "../lib/money";
import { sbpOf } from "../lib/pending";

export function BasketResultPage() {
  const { id = "" } = useParams();
  return <BasketResult key={id} id={id} />;
}

function BasketResult({ id }: { id: string }) {
  const location = useLocation();
  const qr = sbpOf(location.state, id);
  const view = useOutcome<Basket>(`/payments/baskets/${encodeURIComponent(id)}`, qr);

  const known = view.kind === "missing" ? null : view.item;
  const bySbp = qr !== null || known?.method === "sbp";
  const count = known?.items.length ?? 0;
  return (
    <Page title="Результат оплаты" className="page-narrow">
      {known ? (
        <p className="page-lead">
          Оплата {count} {plural(count, "лицевого счета", "лицевых счетов", "лицевых счетов")} одним платежом на {formatMoney(known.amount)}.
        </p>
      ) : null}
      {view.kind === "waiting" && qr ? <SbpPanel qr={qr} expiresAt={view.item?.expires_at ?? null} /> : null}
      <div className="live-slot" role="status" aria-live="polite" aria-busy={view.kind === "waiting"}>
        {view.kind === "waiting" ? <WaitingPanel bySbp={bySbp} trouble={view.trouble} /> : null}
        {view.kind === "settled" && view.item.status === "succeeded" ? <BasketPaid basket={view.item} /> : null}
        {view.kind === "timeout" ? (
          <NoAnswerPanel where="Статус платежей появится в разделе «Платежи» каждого счета, как только банк их подтвердит." />
        ) : null}
      </div>
      <div className="live-slot" role="alert">
        {view.kind === "settled" && view.item.status !== "succeeded" ? <BasketNotPaid basket={view.item} /> : null}
        {view.kind === "missing" ? <MissingPanel /> : null}
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
      <PaidMark />
      <p className="result-title">{basket.message}</p>
      <Lines basket={basket} />
      <dl className="facts facts-compact">
        <PaidFacts outcome={basket} />
      </dl>
      <ProcessingNote />
    </div>
  );
}

function BasketNotPaid({ basket }: { basket: Basket }) {
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
      <MoneyNote outcome={basket} />
    </div>
  );
}
