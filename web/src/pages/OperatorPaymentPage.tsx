/**
 * One payment's story for the staff (docs/contract.md §4 "Refunds"): the payment, its refunds,
 * what happened to it with the bank, and «Вернуть деньги» (RefundForm.tsx). Every look is
 * audited by the API.
 */

import { Link, useLocation, useParams } from "react-router";

import { api } from "../api/client";
import type { PaymentStory, Refund } from "../api/finance";
import { CardTable, type Column } from "../components/Listing";
import { Alert, Loading, Page } from "../components/ui";
import { AWAITING_SECOND, REFUND_STATUS, STAFF_PAYMENT_STATUS, leftToRefund, storyLine, wayToPay } from "../lib/finance";
import { formatDateTime } from "../lib/format";
import { useLoad } from "../lib/hooks";
import { formatMoney } from "../lib/money";
import { regionName, useRegions } from "../lib/regions";
import { PAYMENTS_PATH } from "./FinanceTabs";
import { RefundForm } from "./RefundForm";

export function OperatorPaymentPage() {
  const { id = "" } = useParams();
  const location = useLocation();
  const back = (location.state as { back?: string } | null)?.back;
  const story = useLoad(() => api.get<PaymentStory>(`${PAYMENTS_PATH}/${encodeURIComponent(id)}`), [id]);
  const { regions } = useRegions();
  const told = story.data;
  const backLink = (
    <p>
      <Link to={back ? `${PAYMENTS_PATH}?${back}` : PAYMENTS_PATH}>← К поиску платежей</Link>
    </p>
  );
  if (!told) {
    return (
      <Page title="Платеж">
        {backLink}
        {story.loading ? <Loading /> : null}
        {story.error ? <Alert kind="error">{story.error}</Alert> : null}
      </Page>
    );
  }
  const payment = told.payment;
  return (
    <Page title={`Платеж по лицевому счету № ${payment.account_number}`}>
      {backLink}
      <section className="card section" aria-labelledby="payment-facts">
        <div className="request-main">
          <h2 id="payment-facts" className="card-title">
            {formatMoney(payment.amount)} от {formatDateTime(payment.created_at)}
          </h2>
          <span className={`badge badge-${payment.status}`}>{STAFF_PAYMENT_STATUS[payment.status] ?? payment.status}</span>
        </div>
        <dl className="facts facts-list">
          <Fact term="Лицевой счет" value={`№ ${payment.account_number}, ${regionName(regions, payment.region_code)}`} />
          <Fact term="Сумма" value={formatMoney(payment.amount)} />
          <Fact term="Возвращено" value={formatMoney(payment.refunded_amount)} />
          <Fact term="Можно вернуть" value={formatMoney(leftToRefund(payment, told.refunds))} />
          <Fact term="Способ оплаты" value={wayToPay(payment)} />
          <Fact term="Создан" value={formatDateTime(payment.created_at)} />
          <Fact term="Оплачен" value={payment.paid_at ? formatDateTime(payment.paid_at) : "—"} />
          {payment.failure_reason ? <Fact term="Причина отказа" value={payment.failure_reason} /> : null}
          <Fact term="Заказ в банке" value={payment.acquirer_order_id} code />
          <Fact term="Номер заказа" value={payment.order_number} code />
          {payment.basket_id ? <Fact term="Оплата нескольких счетов" value={payment.basket_id} code /> : null}
          <Fact term="Абонент (идентификатор)" value={payment.user_id} code />
        </dl>
      </section>
      <RefundForm story={told} onDone={story.reload} />
      <Refunds refunds={told.refunds} />
      <section className="card section" aria-labelledby="payment-story">
        <h2 id="payment-story" className="card-title">
          История платежа
        </h2>
        <ol className="story">
          {told.events.map((line, index) => {
            const said = storyLine(line);
            return (
              <li key={`${line.at}-${index}`} className="story-line">
                <time className="story-time small muted" dateTime={line.at}>
                  {formatDateTime(line.at)}
                </time>
                <span className="story-title">{said.title}</span>
                {said.text ? <span className="story-text small">{said.text}</span> : null}
              </li>
            );
          })}
        </ol>
      </section>
    </Page>
  );
}

function Fact({ term, value, code }: { term: string; value: string; code?: boolean }) {
  return (
    <div>
      <dt>{term}</dt>
      <dd className={code ? "break" : undefined}>{value}</dd>
    </div>
  );
}

const REFUND_COLUMNS: Column<Refund>[] = [
  { label: "Запрошен", cell: (refund) => formatDateTime(refund.created_at) },
  { label: "Сумма", num: true, cell: (refund) => formatMoney(refund.amount) },
  { label: "Причина", className: "break", cell: (refund) => refund.reason },
  {
    label: "Статус",
    cell: (refund) => (
      <>
        <span className={`badge badge-${refund.status}`}>{REFUND_STATUS[refund.status] ?? refund.status}</span>
        <RefundNote refund={refund} />
      </>
    ),
  },
];

function Refunds({ refunds }: { refunds: Refund[] }) {
  return (
    <section className="card section" aria-labelledby="payment-refunds">
      <h2 id="payment-refunds" className="card-title">
        Возвраты
      </h2>
      {refunds.length === 0 ? (
        <p className="muted">Возвратов по платежу не было.</p>
      ) : (
        <CardTable caption="Возвраты по платежу" captionHidden columns={REFUND_COLUMNS} rows={refunds} rowKey={(refund) => refund.id} />
      )}
    </section>
  );
}

function RefundNote({ refund }: { refund: Refund }) {
  if (refund.status === "awaiting_approval") return <span className="status-reason">{AWAITING_SECOND}</span>;
  if (refund.status === "failed" && refund.failure_reason) return <span className="status-reason">{refund.failure_reason}</span>;
  if (refund.status === "rejected") {
    return <span className="status-reason">{refund.decision_comment ? `Комментарий: ${refund.decision_comment}` : "Отклонен вторым сотрудником"}</span>;
  }
  if (refund.status === "succeeded" && refund.refunded_at) return <span className="status-reason">{formatDateTime(refund.refunded_at)}</span>;
  return null;
}
