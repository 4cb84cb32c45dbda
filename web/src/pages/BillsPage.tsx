/**
 * «Квитанции»: an account's bills, newest first (`GET /accounts/{id}/bills`), each with its total,
 * due date and «Скачать PDF»; the paperless switch; and one bill in full (`/bills/{account}/{bill}`:
 * its lines per zone, the opening balance, payments, penalty, total and due date).
 */

import { Link, useParams } from "react-router";

import { api } from "../api/client";
import type { Account, Bill } from "../api/types";
import { AccountPicker, useAccountChoice } from "../components/AccountPicker";
import { BillPdfLink } from "../components/BillPdf";
import { PaperlessSwitch } from "../components/Paperless";
import { Alert, Loading, Page } from "../components/ui";
import { billTitle, formatPrice, openingBalance, totalDue } from "../lib/bills";
import { formatDate, formatKwh, periodName } from "../lib/format";
import { useLoad } from "../lib/hooks";
import { formatMoney } from "../lib/money";

export function BillsPage() {
  const choice = useAccountChoice();
  const account = choice.chosen;
  return (
    <Page title="Квитанции" lead="Квитанции (счета на оплату) по каждому лицевому счету: сумма к оплате, срок оплаты и квитанция в формате PDF.">
      <AccountPicker choice={choice} />
      {account ? <AccountBills key={account.id} account={account} /> : null}
    </Page>
  );
}

function AccountBills({ account }: { account: Account }) {
  const bills = useLoad(() => api.get<Bill[]>(`/accounts/${account.id}/bills`), [account.id]);
  const list = bills.data ?? [];
  return (
    <>
      <section className="section" aria-labelledby="bills-title" aria-busy={bills.loading || undefined}>
        <h2 id="bills-title" className="section-title">
          Квитанции по лицевому счету №&nbsp;{account.number}
        </h2>
        {bills.loading && !bills.data ? <Loading label="Загрузка квитанций…" /> : null}
        {bills.error ? <Alert kind="error">{bills.error}</Alert> : null}
        {bills.data && list.length === 0 ? (
          <p className="card empty">Квитанций по этому счету пока нет: квитанция появится здесь, когда гарантирующий поставщик выставит счет за месяц.</p>
        ) : null}
        {list.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-cards bills-table">
              <caption className="visually-hidden">Квитанции, новые сверху</caption>
              <thead>
                <tr>
                  <th scope="col">Период</th>
                  <th scope="col" className="num">
                    Сумма к оплате
                  </th>
                  <th scope="col">Оплатить до</th>
                  <th scope="col">
                    <span className="visually-hidden">Действия</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {list.map((bill) => {
                  const total = totalDue(bill);
                  return (
                    <tr key={bill.id}>
                      <th scope="row" className="row-title">
                        <Link to={`/bills/${account.id}/${encodeURIComponent(bill.id)}`}>{periodName(bill.period)}</Link>
                      </th>
                      <td data-label={total.label} className="num">
                        {total.overpaid ? <span className="text-good">{total.amount} (переплата)</span> : total.amount}
                      </td>
                      <td data-label="Оплатить до">{formatDate(bill.due_date)}</td>
                      <td data-label="Квитанция" className="bill-actions">
                        <Link className="button button-ghost" to={`/bills/${account.id}/${encodeURIComponent(bill.id)}`} aria-label={`Подробнее: ${billTitle(bill).toLowerCase()}`}>
                          Подробнее
                        </Link>
                        <BillPdfLink bill={bill} accountNumber={account.number} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        ) : null}
      </section>
      <PaperlessSwitch accountId={account.id} accountNumber={account.number} />
    </>
  );
}

export function BillPage() {
  const { accountId = "", billId = "" } = useParams();
  const bill = useLoad(() => api.get<Bill>(`/accounts/${accountId}/bills/${encodeURIComponent(billId)}`), [accountId, billId]);
  const accounts = useLoad(() => api.get<Account[]>("/accounts"), []);
  const account = accounts.data?.find((a) => a.id === accountId);
  const title = bill.data ? billTitle(bill.data) : "Квитанция";
  const back = `/bills?account=${encodeURIComponent(accountId)}`;

  return (
    <Page title={title} lead={account ? <>Лицевой счет №&nbsp;{account.number}, {account.address}</> : undefined}>
      <p>
        <Link to={back}>← Все квитанции</Link>
      </p>
      {bill.loading && !bill.data ? <Loading label="Загрузка квитанции…" /> : null}
      {bill.error ? <Alert kind="error">{bill.error}</Alert> : null}
      {bill.data ? <BillDetail bill={bill.data} accountNumber={account?.number} /> : null}
    </Page>
  );
}

function BillDetail({ bill, accountNumber }: { bill: Bill; accountNumber?: string }) {
  const opening = openingBalance(bill);
  const total = totalDue(bill);
  return (
    <>
      <section className="section" aria-labelledby="bill-lines-title">
        <h2 id="bill-lines-title" className="section-title">
          Начисления за {periodName(bill.period)}
        </h2>
        <div className="table-wrap">
          <table className="table table-cards bill-lines">
            <caption className="visually-hidden">Начисления по зонам</caption>
            <thead>
              <tr>
                <th scope="col">Услуга</th>
                <th scope="col">Зона</th>
                <th scope="col" className="num">
                  Объем, кВт·ч
                </th>
                <th scope="col" className="num">
                  Тариф
                </th>
                <th scope="col" className="num">
                  Сумма
                </th>
              </tr>
            </thead>
            <tbody>
              {bill.lines.map((line) => (
                <tr key={`${line.zone}-${line.title}`}>
                  <th scope="row" className="row-title">
                    {line.title}
                  </th>
                  <td data-label="Зона">{line.zone}</td>
                  <td data-label="Объем, кВт·ч" className="num">
                    {formatKwh(line.quantity_kwh)}
                  </td>
                  <td data-label="Тариф" className="num">
                    {formatPrice(line.price)}
                  </td>
                  <td data-label="Сумма" className="num">
                    {formatMoney(line.amount)}
                  </td>
                </tr>
              ))}
            </tbody>
            <tfoot>
              <tr>
                <th scope="row" colSpan={4} className="row-title">
                  Начислено за месяц
                </th>
                <td data-label="Начислено" className="num">
                  {formatMoney(bill.charged)}
                </td>
              </tr>
            </tfoot>
          </table>
        </div>
      </section>

      <section className="section" aria-labelledby="bill-totals-title">
        <h2 id="bill-totals-title" className="section-title">
          Расчет суммы к оплате
        </h2>
        <div className="card bill-totals">
          <dl className="facts facts-list">
            <div>
              <dt>{opening.label}</dt>
              <dd className={opening.overpaid ? "text-good" : undefined}>{opening.amount}</dd>
            </div>
            <div>
              <dt>Начислено</dt>
              <dd>{formatMoney(bill.charged)}</dd>
            </div>
            <div>
              <dt>Оплачено в течение месяца</dt>
              <dd>{formatMoney(bill.payments)}</dd>
            </div>
            <div>
              <dt>Пеня</dt>
              <dd>{formatMoney(bill.penalty)}</dd>
            </div>
            <div>
              <dt>Оплатить до</dt>
              <dd>{formatDate(bill.due_date)}</dd>
            </div>
            <div className="fact-main">
              <dt>{total.label}</dt>
              <dd className={total.overpaid ? "text-good" : undefined}>{total.amount}</dd>
            </div>
          </dl>
          <p className="muted small">Квитанция выставлена {formatDate(bill.issued_at)}.</p>
          <div className="card-actions">
            <BillPdfLink bill={bill} accountNumber={accountNumber} className="button button-primary" />
          </div>
        </div>
      </section>
    </>
  );
}
