/**
 * The appeals desk of the supplier's staff: the queue (`/operator/appeals`, filtered by status,
 * «Только мои», «Только просроченные»; the filters live in the address), and one appeal
 * (`/operator/appeals/{id}`): its conversation, «Взять в работу» (assigned to oneself) and the
 * answer with files, which the subscriber reads in the portal and is told of by a letter.
 */

import { useState } from "react";
import { Link, useLocation, useParams, useSearchParams } from "react-router";

import { api } from "../api/client";
import type { AppealDetail, AppealStatus, StaffAppeal } from "../api/types";
import { AppealFacts, Conversation, MessageForm } from "../components/Appeal";
import { Alert, Checkbox, LiveMessage, Loading, Page, SelectField } from "../components/ui";
import { APPEAL_STATUS, assigneeName, deskQuery, type DeskFilter } from "../lib/appeals";
import { useLoad, useSubmit } from "../lib/hooks";
import { useSession } from "../session/session";
import { AppealTable } from "./AppealsPage";

const STATUSES = Object.keys(APPEAL_STATUS) as AppealStatus[];

function filterOf(params: URLSearchParams): DeskFilter {
  const status = params.get("status") ?? "";
  return {
    status: (STATUSES as string[]).includes(status) ? (status as AppealStatus) : "",
    mine: params.get("mine") === "1",
    overdue: params.get("overdue") === "1",
  };
}

export function OperatorAppealsPage() {
  const session = useSession();
  const me = session.profile?.user_id;
  const { key } = useLocation();
  const [params, setParams] = useSearchParams();
  // The filters live in the address (a reload or «назад» keeps them); the form follows its own
  // state at once, as a checkbox must, while the address catches up.
  const [filter, setFilter] = useState(() => filterOf(params));
  const query = deskQuery(filter, me);
  const appeals = useLoad(() => api.get<StaffAppeal[]>(`/operator/appeals${query}`), [query, key]);
  const list = appeals.data ?? [];

  function change(next: Partial<DeskFilter>) {
    const merged = { ...filter, ...next };
    setFilter(merged);
    const search = new URLSearchParams();
    if (merged.status) search.set("status", merged.status);
    if (merged.mine) search.set("mine", "1");
    if (merged.overdue) search.set("overdue", "1");
    setParams(search, { replace: true });
  }

  return (
    <Page title="Обращения абонентов">
      <div className="toolbar appeal-filters" role="group" aria-label="Отбор обращений">
        <SelectField
          label="Статус"
          value={filter.status}
          onChange={(status) => change({ status: status as DeskFilter["status"] })}
          placeholder="Все"
          options={STATUSES.map((value) => ({ value, label: APPEAL_STATUS[value] }))}
        />
        <Checkbox label="Только мои" checked={filter.mine} onChange={(mine) => change({ mine })} />
        <Checkbox label="Только просроченные" checked={filter.overdue} onChange={(overdue) => change({ overdue })} />
      </div>
      {appeals.loading && !appeals.data ? <Loading /> : null}
      {appeals.error ? <Alert kind="error">{appeals.error}</Alert> : null}
      {!appeals.loading && !appeals.error && list.length === 0 ? <p className="card empty">Обращений нет.</p> : null}
      {list.length > 0 ? (
        <AppealTable
          appeals={list}
          caption="Обращения абонентов"
          linkTo={(a) => `/operator/appeals/${a.id}`}
          linkState={(a) => ({ assignee: a.assignee_id })}
          extra={{ title: "Исполнитель", cell: (a) => assigneeName(a.assignee_id, me) }}
        />
      ) : null}
    </Page>
  );
}

export function OperatorAppealPage() {
  const session = useSession();
  const me = session.profile?.user_id;
  const { id = "" } = useParams();
  const location = useLocation();
  const appeal = useLoad(() => api.get<AppealDetail>(`/appeals/${id}`), [id]);
  // Whose it is: GET /appeals/{id} does not say; the desk's row does (handed over by its link),
  // and after «Взять в работу» it is the caller's.
  const [assignee, setAssignee] = useState<string | null | undefined>(() => (location.state as { assignee?: string | null } | null)?.assignee);
  const [notice, setNotice] = useState<string | null>(null);
  const taking = useSubmit();

  const data = appeal.data;
  if (appeal.loading && !data) {
    return (
      <Page title="Обращение">
        <Loading />
      </Page>
    );
  }
  if (!data) {
    return (
      <Page title="Обращение">
        <Alert kind="error">{appeal.error ?? "Обращение не найдено"}</Alert>
        <p>
          <Link to="/operator/appeals">Все обращения</Link>
        </p>
      </Page>
    );
  }

  const known = assignee !== undefined;
  const mine = known && assignee === me;
  // A new appeal is taken; one in work by a colleague can be taken over (its row said so).
  const canTake = data.status === "registered" || (data.status === "in_work" && known && !mine);

  async function take() {
    if (!me || !data) return;
    setNotice(null);
    const done = await taking.run(() => api.post<StaffAppeal>(`/operator/appeals/${data.id}/assign`, { user_id: me }));
    if (done === undefined) return;
    setAssignee(me);
    setNotice(`Обращение № ${data.number} взято в работу`);
    await appeal.reload();
  }

  return (
    <Page title={`Обращение № ${data.number}`}>
      <p>
        <Link to="/operator/appeals">← Все обращения</Link>
      </p>
      <LiveMessage success={notice} error={taking.error} />
      {appeal.error ? <Alert kind="error">{appeal.error}</Alert> : null}
      <section className="card section" aria-label="Сведения об обращении">
        <AppealFacts
          appeal={data}
          extra={
            known ? (
              <div>
                <dt>Исполнитель</dt>
                <dd>{assigneeName(assignee ?? null, me)}</dd>
              </div>
            ) : null
          }
        />
        {canTake ? (
          <div className="card-actions">
            <button type="button" className="button button-primary" onClick={take} disabled={taking.busy} aria-busy={taking.busy || undefined}>
              {taking.busy ? "Отправка…" : "Взять в работу"}
            </button>
          </div>
        ) : null}
      </section>
      <Conversation appealId={data.id} messages={data.messages} authorName={(m) => (m.author === "subscriber" ? "Абонент" : "Сотрудник ГУП РК «Крымэнерго»")} />
      {data.status !== "closed" ? (
        <section className="section">
          <MessageForm
            label="Ответ абоненту"
            submitText="Отправить ответ"
            send={(form) => api.postForm(`/operator/appeals/${data.id}/messages`, form)}
            onSent={async () => {
              setNotice("Ответ отправлен: абонент получит письмо со ссылкой на обращение");
              await appeal.reload();
            }}
          />
        </section>
      ) : (
        <p className="card empty">Обращение закрыто абонентом.</p>
      )}
    </Page>
  );
}
