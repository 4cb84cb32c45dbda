/** The supplier's operators: link requests to review, feedback to read, the billing registry. */

import { useState, type FormEvent } from "react";
import { useLocation } from "react-router";

import { api, messageOf } from "../api/client";
import type { BillingAccount, Feedback, OperatorLinkRequest } from "../api/types";
import { Alert, LiveMessage, Loading, Page, SelectField, SubmitButton, TextArea, TextField } from "../components/ui";
import { formatDate, formatDateTime, REQUEST_STATUS } from "../lib/format";
import { useLoad, useSubmit } from "../lib/hooks";
import { formatMoney } from "../lib/money";
import { regionName, useRegions } from "../lib/regions";

export function OperatorLinkRequestsPage() {
  const [status, setStatus] = useState("pending");
  // The location's key changes when the menu link is followed again: the queue is loaded anew.
  const { key } = useLocation();
  const requests = useLoad(() => api.get<OperatorLinkRequest[]>(`/operator/link-requests?status=${status}`), [status, key]);
  const { regions } = useRegions();
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [rejecting, setRejecting] = useState<string | null>(null);
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState<string | null>(null);

  async function act(request: OperatorLinkRequest, action: "approve" | "reject") {
    if (action === "reject" && !comment.trim()) {
      setError("Укажите причину отказа: ее увидит абонент");
      return;
    }
    setBusy(request.id);
    setError(null);
    setNotice(null);
    try {
      if (action === "approve") await api.post(`/operator/link-requests/${request.id}/approve`);
      else await api.post(`/operator/link-requests/${request.id}/reject`, { comment: comment.trim() });
      setNotice(action === "approve" ? `Заявка по счету № ${request.number} одобрена: счет привязан` : `Заявка по счету № ${request.number} отклонена`);
      setRejecting(null);
      setComment("");
      await requests.reload();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(null);
    }
  }

  const list = requests.data ?? [];
  return (
    <Page title="Заявки на добавление счетов">
      <div className="toolbar">
        <SelectField
          label="Статус"
          value={status}
          onChange={setStatus}
          options={Object.entries(REQUEST_STATUS).map(([value, label]) => ({ value, label }))}
        />
      </div>
      <LiveMessage error={error} success={notice} />
      {requests.loading && !requests.data ? <Loading /> : null}
      {requests.error ? <Alert kind="error">{requests.error}</Alert> : null}
      {!requests.loading && !requests.error && list.length === 0 ? <p className="card empty">Заявок нет.</p> : null}
      <ul className="request-list">
        {list.map((request) => (
          <li key={request.id} className="card request">
            <div className="request-main">
              <div>
                <p className="request-number">Лицевой счет № {request.number}</p>
                <p className="muted">{regionName(regions, request.region_code)}</p>
                <p className="small muted">
                  Создана {formatDateTime(request.created_at)} · абонент {request.user_id}
                </p>
              </div>
              <span className={`badge badge-${request.status}`}>{REQUEST_STATUS[request.status] ?? request.status}</span>
            </div>
            {request.comment ? <p className="request-comment">Комментарий: {request.comment}</p> : null}
            {request.status === "pending" ? (
              <div className="card-actions">
                <button type="button" className="button button-primary" disabled={busy === request.id} onClick={() => act(request, "approve")}>
                  Одобрить
                </button>
                {rejecting === request.id ? null : (
                  <button type="button" className="button button-ghost" onClick={() => setRejecting(request.id)}>
                    Отклонить
                  </button>
                )}
              </div>
            ) : null}
            {rejecting === request.id ? (
              <form
                className="form request-edit"
                onSubmit={(event) => {
                  event.preventDefault();
                  void act(request, "reject");
                }}
              >
                <TextArea label="Причина отказа (ее увидит абонент)" value={comment} onChange={setComment} rows={3} maxLength={1000} />
                <div className="form-actions">
                  <SubmitButton busy={busy === request.id} className="button-danger">
                    Отклонить заявку
                  </SubmitButton>
                  <button type="button" className="button button-ghost" onClick={() => setRejecting(null)}>
                    Отмена
                  </button>
                </div>
              </form>
            ) : null}
          </li>
        ))}
      </ul>
    </Page>
  );
}

export function OperatorFeedbackPage() {
  const { key } = useLocation();
  const feedback = useLoad(() => api.get<Feedback[]>("/operator/feedback"), [key]);
  const list = feedback.data ?? [];
  return (
    <Page title="Обращения абонентов">
      {feedback.loading && !feedback.data ? <Loading /> : null}
      {feedback.error ? <Alert kind="error">{feedback.error}</Alert> : null}
      {!feedback.loading && !feedback.error && list.length === 0 ? <p className="card empty">Обращений нет.</p> : null}
      <ul className="request-list">
        {list.map((item) => (
          <li key={item.id} className="card">
            <p className="request-number">{item.topic}</p>
            <p className="small muted">
              {formatDateTime(item.created_at)} · {item.name ? `${item.name}, ` : ""}
              {item.email ?? "без адреса"}
              {item.user_id ? " · абонент личного кабинета" : ""}
            </p>
            <p className="pre-wrap">{item.message}</p>
          </li>
        ))}
      </ul>
    </Page>
  );
}

export function OperatorBillingPage() {
  const { regions } = useRegions();
  const [region, setRegion] = useState("");
  const [number, setNumber] = useState("");
  const [found, setFound] = useState<BillingAccount | null>(null);
  const submission = useSubmit(["region_code", "number"]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setFound(null);
    if (!region || !number.trim()) {
      submission.fail("Укажите регион и номер лицевого счета");
      return;
    }
    const entry = await submission.run(() => api.get<BillingAccount>(`/operator/billing-accounts/${encodeURIComponent(region)}/${encodeURIComponent(number.trim())}`));
    if (entry) setFound(entry);
  }

  return (
    <Page title="Реестр лицевых счетов" lead="Данные биллинга по лицевому счету — для ответа абоненту.">
      <form className="card form" onSubmit={submit} noValidate>
        <LiveMessage error={submission.error} />
        <div className="form-row">
          <SelectField label="Регион" value={region} onChange={setRegion} placeholder="Выберите регион" options={regions.map((r) => ({ value: r.code, label: r.name }))} />
          <TextField label="Номер лицевого счета" value={number} onChange={setNumber} autoComplete="off" />
        </div>
        <SubmitButton busy={submission.busy} busyText="Поиск…">
          Найти
        </SubmitButton>
      </form>
      {found ? (
        <section className="card section" aria-label="Найденный счет">
          <h2 className="card-title">Лицевой счет № {found.number}</h2>
          <dl className="facts facts-list">
            <div>
              <dt>Владелец</dt>
              <dd>
                {found.owner_surname} {found.owner_initials}
              </dd>
            </div>
            <div>
              <dt>Адрес</dt>
              <dd>{found.address}</dd>
            </div>
            <div>
              <dt>Задолженность</dt>
              <dd>{formatMoney(found.debt)}</dd>
            </div>
            <div>
              <dt>Пеня</dt>
              <dd>{formatMoney(found.penalty)}</dd>
            </div>
            <div>
              <dt>К оплате</dt>
              <dd>{formatMoney(found.amount_due)}</dd>
            </div>
            <div>
              <dt>Последний платеж</dt>
              <dd>{found.last_payment ? `${formatMoney(found.last_payment.amount)} от ${formatDate(found.last_payment.date)}` : "нет"}</dd>
            </div>
            <div>
              <dt>Данные на</dt>
              <dd>{formatDateTime(found.balance_as_of)}</dd>
            </div>
          </dl>
        </section>
      ) : null}
    </Page>
  );
}
