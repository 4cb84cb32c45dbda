/**
 * «Журнал действий»: a supervisor searches what staff did and read in every service
 * (GET /operator/audit, docs/contract.md §4 "Audit"). Operators do not see it in the menu, and
 * are told so if they open it (the API refuses them too).
 */

import { useState, type FormEvent } from "react";

import { api } from "../api/client";
import type { AuditRecord } from "../api/types";
import { CardTable, ListStatus, Pager, type Column } from "../components/Listing";
import { Page, SelectField, SubmitButton, TextField } from "../components/ui";
import { formatDateTime } from "../lib/format";
import { useLoad } from "../lib/hooks";
import { ROLE_NAMES, isSupervisor } from "../session/roles";
import { useSession } from "../session/session";

const PAGE_SIZE = 50;

/** What each recorded action means, for a person; an action not listed shows as recorded. */
export const AUDIT_ACTIONS: Record<string, string> = {
  "link_request.list": "Просмотр заявки в очереди",
  "link_request.approve": "Одобрение заявки",
  "link_request.reject": "Отклонение заявки",
  "billing_account.lookup": "Просмотр счета в реестре",
  "feedback.list": "Просмотр обращения",
  "audit.search": "Поиск в журнале действий",
};

const SERVICES: Record<string, string> = {
  identity: "Учетные записи",
  accounts: "Лицевые счета",
  readings: "Показания",
  payments: "Платежи",
  notifications: "Обращения и письма",
};

export function outcomeText(outcome: string): string {
  if (outcome === "ok") return "Выполнено";
  return outcome.startsWith("refused:") ? `Отказ (${outcome.slice("refused:".length)})` : outcome;
}

interface Filters {
  actor: string;
  action: string;
  object: string;
  from: string;
  to: string;
}

const NONE: Filters = { actor: "", action: "", object: "", from: "", to: "" };

/** A calendar day in Crimea (UTC+3 all year) as the moment it starts. */
function dayStart(day: string, plusDays = 0): string {
  const [year, month, date] = day.split("-").map(Number);
  const start = new Date(Date.UTC(year, month - 1, date + plusDays, 0, 0, 0) - 3 * 3600 * 1000);
  return start.toISOString();
}

/** The query of a search: `to` is the day after the last one asked for (the API's end is exclusive). */
export function auditQuery(filters: Filters, offset: number): string {
  const query = new URLSearchParams();
  if (filters.actor.trim()) query.set("actor_user_id", filters.actor.trim());
  if (filters.action) query.set("action", filters.action);
  if (filters.object.trim()) query.set("object_id", filters.object.trim());
  if (filters.from) query.set("from", dayStart(filters.from));
  if (filters.to) query.set("to", dayStart(filters.to, 1));
  query.set("limit", String(PAGE_SIZE));
  if (offset) query.set("offset", String(offset));
  return `/operator/audit?${query.toString()}`;
}

/** A value and, under it, the identifier it stands for (when there is one). */
function withId(value: string, id: string | null) {
  return (
    <>
      {value}
      {id ? (
        <>
          <br />
          <span className="small muted">{id}</span>
        </>
      ) : null}
    </>
  );
}

const COLUMNS: Column<AuditRecord>[] = [
  { label: "Время", cell: (record) => formatDateTime(record.at) },
  { label: "Служба", cell: (record) => SERVICES[record.service] ?? record.service },
  { label: "Сотрудник", cell: (record) => withId(ROLE_NAMES[record.actor_role] ?? record.actor_role, record.actor_user_id) },
  { label: "Действие", cell: (record) => AUDIT_ACTIONS[record.action] ?? record.action },
  { label: "Объект", cell: (record) => withId(record.object_type, record.object_id) },
  { label: "Результат", cell: (record) => outcomeText(record.outcome) },
  { label: "Адрес, запрос", cell: (record) => withId(record.client_address ?? "—", record.request_id) },
];

export function AuditPage() {
  const session = useSession();
  if (!isSupervisor(session.profile)) {
    return (
      <Page title="Журнал действий">
        <p>Журнал действий доступен только старшим операторам.</p>
      </Page>
    );
  }
  return <AuditSearch />;
}

function AuditSearch() {
  const [draft, setDraft] = useState<Filters>(NONE);
  const [asked, setAsked] = useState<Filters>(NONE);
  const [offset, setOffset] = useState(0);
  const found = useLoad(() => api.get<AuditRecord[]>(auditQuery(asked, offset)), [asked, offset]);
  const list = found.data ?? [];

  function set(field: keyof Filters) {
    return (value: string) => setDraft((current) => ({ ...current, [field]: value }));
  }

  function search(event: FormEvent) {
    event.preventDefault();
    setOffset(0);
    setAsked({ ...draft });
  }

  return (
    <Page title="Журнал действий" lead="Действия сотрудников и просмотры персональных данных во всех службах портала, новые сверху.">
      <form className="card form" onSubmit={search} noValidate aria-label="Поиск в журнале">
        <div className="form-row">
          <TextField label="Сотрудник (идентификатор)" value={draft.actor} onChange={set("actor")} autoComplete="off" spellCheck={false} />
          <SelectField
            label="Действие"
            value={draft.action}
            onChange={set("action")}
            placeholder="Любое"
            options={Object.entries(AUDIT_ACTIONS).map(([value, label]) => ({ value, label }))}
          />
          <TextField label="Объект (идентификатор)" value={draft.object} onChange={set("object")} autoComplete="off" spellCheck={false} />
        </div>
        <div className="form-row">
          <TextField label="С даты" type="date" value={draft.from} onChange={set("from")} />
          <TextField label="По дату" type="date" value={draft.to} onChange={set("to")} />
        </div>
        <SubmitButton busy={found.loading} busyText="Поиск…">
          Найти
        </SubmitButton>
      </form>
      <ListStatus loaded={found} count={list.length} empty="Записей не найдено." />
      {list.length > 0 ? <CardTable caption="Записи журнала" framed columns={COLUMNS} rows={list} rowKey={(record) => `${record.service}-${record.id}`} /> : null}
      <Pager offset={offset} pageSize={PAGE_SIZE} shown={list.length} more={list.length === PAGE_SIZE} busy={found.loading} onPage={setOffset} />
    </Page>
  );
}
