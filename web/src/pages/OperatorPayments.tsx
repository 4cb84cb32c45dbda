/**
 * «Платежи» (docs/contract.md §4 "Refunds"): the staff look payments up by region, account
 * number, status and days, newest first; each row leads to the payment's story
 * (OperatorPaymentPage.tsx). The filters and the page live in the address, so that the way back
 * from a story returns to the same results. Every look is audited by the API.
 */

import { useState, type FormEvent } from "react";
import { Link, useLocation, useSearchParams } from "react-router";

import { api } from "../api/client";
import type { StaffPayment } from "../api/finance";
import type { Region } from "../api/types";
import { CardTable, ListStatus, Pager, type Column } from "../components/Listing";
import { Page, SelectField, SubmitButton, TextField } from "../components/ui";
import {
  NO_FILTERS,
  PAGE_SIZE,
  STAFF_PAYMENT_STATUS,
  filtersFromSearch,
  filtersToSearch,
  paymentsQuery,
  wayToPay,
  type PaymentFilters,
} from "../lib/finance";
import { formatDateTime } from "../lib/format";
import { useLoad } from "../lib/hooks";
import { formatMoney, toKopecks } from "../lib/money";
import { regionName, useRegions } from "../lib/regions";
import { FinanceTabs, PAYMENTS_PATH } from "./FinanceTabs";

function paymentLabel(payment: StaffPayment): string {
  return `Платеж ${formatMoney(payment.amount)} от ${formatDateTime(payment.created_at)} по счету № ${payment.account_number}`;
}

function columns(regions: Region[], back: string): Column<StaffPayment>[] {
  return [
    {
      label: "Создан",
      cell: (payment) => (
        <Link to={`${PAYMENTS_PATH}/${payment.id}`} state={{ back }} aria-label={paymentLabel(payment)}>
          {formatDateTime(payment.created_at)}
        </Link>
      ),
    },
    {
      label: "Лицевой счет",
      cell: (payment) => (
        <>
          № {payment.account_number}
          <span className="status-reason">{regionName(regions, payment.region_code)}</span>
        </>
      ),
    },
    { label: "Сумма", num: true, cell: (payment) => formatMoney(payment.amount) },
    { label: "Возвращено", num: true, cell: (payment) => (toKopecks(payment.refunded_amount) > 0 ? formatMoney(payment.refunded_amount) : "—") },
    {
      label: "Статус",
      cell: (payment) => <span className={`badge badge-${payment.status}`}>{STAFF_PAYMENT_STATUS[payment.status] ?? payment.status}</span>,
    },
    { label: "Способ", cell: wayToPay },
  ];
}

export function OperatorPaymentsPage() {
  const [search, setSearch] = useSearchParams();
  const asked = filtersFromSearch(search);
  const offset = Math.max(0, Number(search.get("offset") ?? 0) || 0);
  const [draft, setDraft] = useState<PaymentFilters>(asked);
  const { regions } = useRegions();
  // One row beyond the page says whether an older page exists.
  const query = paymentsQuery(asked, offset, PAGE_SIZE + 1);
  // The location's key changes with every search, the same one again included: asked anew.
  const { key } = useLocation();
  const found = useLoad(() => api.get<StaffPayment[]>(query), [query, key]);
  const rows = (found.data ?? []).slice(0, PAGE_SIZE);
  const more = (found.data ?? []).length > PAGE_SIZE;

  function set(field: keyof PaymentFilters) {
    return (value: string) => setDraft((current) => ({ ...current, [field]: value }));
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setSearch(filtersToSearch(draft, 0));
  }

  return (
    <Page title="Платежи абонентов" lead="Поиск платежей, прошедших через портал: по региону, лицевому счету, статусу и дате. Новые сверху.">
      <FinanceTabs />
      <form className="card form" onSubmit={submit} noValidate aria-label="Поиск платежей">
        <div className="form-row">
          <SelectField
            label="Регион"
            value={draft.region}
            onChange={set("region")}
            placeholder="Любой"
            options={regions.map((r) => ({ value: r.code, label: r.name }))}
          />
          <TextField label="Номер лицевого счета" value={draft.number} onChange={set("number")} inputMode="numeric" autoComplete="off" spellCheck={false} />
          <SelectField
            label="Статус"
            value={draft.status}
            onChange={set("status")}
            placeholder="Любой"
            options={Object.entries(STAFF_PAYMENT_STATUS).map(([value, label]) => ({ value, label }))}
          />
        </div>
        <div className="form-row">
          <TextField label="С даты" type="date" value={draft.from} onChange={set("from")} />
          <TextField label="По дату" type="date" value={draft.to} onChange={set("to")} />
        </div>
        <div className="form-actions">
          <SubmitButton busy={found.loading} busyText="Поиск…">
            Найти
          </SubmitButton>
          <button
            type="button"
            className="button button-ghost"
            onClick={() => {
              setDraft(NO_FILTERS);
              setSearch(new URLSearchParams());
            }}
          >
            Сбросить
          </button>
        </div>
      </form>
      <ListStatus loaded={found} count={rows.length} empty="Платежей не найдено." />
      {rows.length > 0 ? (
        <CardTable caption="Найденные платежи" framed columns={columns(regions, search.toString())} rows={rows} rowKey={(payment) => payment.id} />
      ) : null}
      <Pager offset={offset} pageSize={PAGE_SIZE} shown={rows.length} more={more} busy={found.loading} onPage={(to) => setSearch(filtersToSearch(asked, to))} />
    </Page>
  );
}
