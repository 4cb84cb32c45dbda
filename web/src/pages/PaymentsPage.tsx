/**
 * «Платежи»: the history of an account as the subscriber sees it (their own online payments,
 * others' once paid, and billing's from other channels), and the pay button. A pending payment
 * says until when the bank's card page lasts.
 */

import { useState } from "react";

import { api } from "../api/client";
import type { Account, HistoryItem } from "../api/types";
import { AccountPicker, useAccountChoice } from "../components/AccountPicker";
import { CardIcon } from "../components/icons";
import { PayDialog } from "../components/PayDialog";
import { Alert, Loading, Page, ProcessingNote } from "../components/ui";
import { CARD_BRAND, formatDateTime, formatPan, PAYMENT_STATUS, pendingNote } from "../lib/format";
import { useLoad } from "../lib/hooks";
import { formatMoney, isPositive } from "../lib/money";

export function sourceLabel(item: Pick<HistoryItem, "source" | "channel">): string {
  return item.source === "online" ? "Онлайн" : item.channel || "Биллинг";
}

export function PaymentsPage() {
  const choice = useAccountChoice();
  const [paying, setPaying] = useState<Account | null>(null);
  const account = choice.chosen;

  return (
    <Page title="Платежи" lead="Платежи по лицевому счету: оплаченные в личном кабинете и поступившие другими способами.">
      <AccountPicker choice={choice} />
      {account ? (
        <>
          <div className="card pay-summary">
            <div>
              <p className="muted small">Лицевой счет №&nbsp;{account.number}</p>
              <p className="pay-due">
                К оплате: <strong>{formatMoney(account.amount_due)}</strong>
              </p>
              {isPositive(account.pending_payments) ? (
                <p className="small">Платежи в обработке: {formatMoney(account.pending_payments)}</p>
              ) : null}
            </div>
            <button type="button" className="button button-primary" onClick={() => setPaying(account)} aria-label={`Оплатить по лицевому счету № ${account.number}`}>
              <CardIcon />
              <span>Оплатить</span>
            </button>
          </div>
          <History accountId={account.id} />
        </>
      ) : null}
      {paying ? <PayDialog account={paying} onClose={() => setPaying(null)} /> : null}
    </Page>
  );
}

function History({ accountId }: { accountId: string }) {
  const history = useLoad(() => api.get<HistoryItem[]>(`/accounts/${accountId}/payments`), [accountId]);
  const items = history.data ?? [];
  return (
    <section className="section" aria-labelledby="history-title" aria-busy={history.loading || undefined}>
      <h2 id="history-title" className="section-title">
        История платежей
      </h2>
      {history.loading && !history.data ? <Loading /> : null}
      {history.error ? <Alert kind="error">{history.error}</Alert> : null}
      {!history.loading && !history.error && items.length === 0 ? <p className="card empty">Платежей по этому счету пока нет.</p> : null}
      {items.length > 0 ? (
        <div className="table-wrap">
          <table className="table table-cards">
            <caption className="visually-hidden">Платежи по лицевому счету, новые сверху</caption>
            <thead>
              <tr>
                <th scope="col">Дата</th>
                <th scope="col">Сумма</th>
                <th scope="col">Статус</th>
                <th scope="col">Источник</th>
                <th scope="col">Карта</th>
              </tr>
            </thead>
            <tbody>
              {items.map((item) => (
                <HistoryRow key={`${item.source}-${item.id}`} item={item} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ProcessingNote />
    </section>
  );
}

function HistoryRow({ item }: { item: HistoryItem }) {
  const note = item.status === "pending" ? pendingNote(item.expires_at) : null;
  return (
    <tr>
      <td data-label="Дата">{formatDateTime(item.paid_at ?? item.created_at)}</td>
      <td data-label="Сумма" className="num">
        {formatMoney(item.amount)}
      </td>
      <td data-label="Статус">
        <span className={`badge badge-${item.status}`}>{PAYMENT_STATUS[item.status] ?? item.status}</span>
        {note ? <span className="status-reason">{note}</span> : null}
      </td>
      <td data-label="Источник">{sourceLabel(item)}</td>
      <td data-label="Карта">{item.card ? `${CARD_BRAND[item.card.brand] ?? item.card.brand} ${formatPan(item.card.pan_masked)}` : "—"}</td>
    </tr>
  );
}
