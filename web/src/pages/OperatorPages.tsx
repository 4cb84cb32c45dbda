/**
 * The supplier's operators: link requests to review, feedback to read, the billing registry.
 *
 * A request's card is enough to judge it: who asked (a masked e-mail), what they entered beside
 * billing's data, the account's history; «Одобрить» and «Отклонить» each ask for a
 * confirmation, and a rejection for its reason.
 */

import { useState, type FormEvent } from "react";
import { useLocation } from "react-router";

import { api } from "../api/client";
import type { BillingAccount, Feedback, OperatorLinkRequest } from "../api/types";
import { DecisionButtons, DecisionDialog, type Decision } from "../components/Decision";
import { ListStatus } from "../components/Listing";
import { LiveMessage, Page, SelectField, SubmitButton, TextField } from "../components/ui";
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
  const [deciding, setDeciding] = useState<{ request: OperatorLinkRequest; action: Decision } | null>(null);

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
      <LiveMessage success={notice} />
      <ListStatus loaded={requests} count={list.length} empty="Заявок нет." />
      <ul className="request-list">
        {list.map((request) => (
          <li key={request.id} className="card request">
            <div className="request-main">
              <div>
                <p className="request-number">Лицевой счет №&nbsp;{request.number}</p>
                <p className="muted">{regionName(regions, request.region_code)}</p>
                <p className="small muted">
                  Создана {formatDateTime(request.created_at)} · абонент {requester(request.requester_email)}
                </p>
              </div>
              <span className={`badge badge-${request.status}`}>{REQUEST_STATUS[request.status] ?? request.status}</span>
            </div>
            {request.comment ? <p className="request-comment">Комментарий: {request.comment}</p> : null}
            <Comparison request={request} />
            <History request={request} />
            {request.status === "pending" ? (
              <DecisionButtons
                approveLabel="Одобрить"
                onChoose={(action) => {
                  setNotice(null);
                  setDeciding({ request, action });
                }}
              />
            ) : null}
          </li>
        ))}
      </ul>
      {deciding ? (
        <RequestDecision
          request={deciding.request}
          action={deciding.action}
          regionTitle={regionName(regions, deciding.request.region_code)}
          onClose={() => setDeciding(null)}
          onDone={async (message) => {
            setDeciding(null);
            setNotice(message);
            await requests.reload();
          }}
        />
      ) : null}
    </Page>
  );
}

function requester(email: string | null | undefined): string {
  return email ?? "(адрес неизвестен)";
}

/** What the subscriber entered beside what billing says, row by row, and whether they match. */
export function Comparison({ request }: { request: OperatorLinkRequest }) {
  const proof = request.proof ?? null;
  const billing = request.billing ?? null;
  const amount = proof && "last_payment_amount" in proof ? formatMoney(proof.last_payment_amount) : "—";
  const letters = proof && "surname_prefix" in proof ? proof.surname_prefix : "—";
  const unknown = "Счет не найден в биллинге";
  const billingAmount = billing
    ? billing.last_payment
      ? `${formatMoney(billing.last_payment.amount)} от ${formatDate(billing.last_payment.date)}`
      : "платежей нет"
    : unknown;
  return (
    <div className="request-review">
      <div className="table-wrap">
        <table className="table table-cards">
          <caption className="table-caption">Сверка с данными биллинга</caption>
          <thead>
            <tr>
              <th scope="col">Данные</th>
              <th scope="col">Указал абонент</th>
              <th scope="col">Данные биллинга</th>
            </tr>
          </thead>
          <tbody>
            <tr>
              <td className="row-title">Сумма последнего платежа</td>
              <td data-label="Указал абонент">{amount}</td>
              <td data-label="Данные биллинга">{billingAmount}</td>
            </tr>
            <tr>
              <td className="row-title">Первые три буквы фамилии</td>
              <td data-label="Указал абонент">{letters}</td>
              <td data-label="Данные биллинга">{billing ? billing.surname_prefix : unknown}</td>
            </tr>
          </tbody>
        </table>
      </div>
      {billing && billing.proof_matches !== null ? (
        <p className={billing.proof_matches ? "text-good" : undefined}>
          <strong>{billing.proof_matches ? "Указанные данные совпадают с данными биллинга" : "Указанные данные не совпадают с данными биллинга"}</strong>
        </p>
      ) : null}
      {!proof ? <p className="small muted">Заявка подана до того, как портал стал сохранять указанные данные.</p> : null}
    </div>
  );
}

/** The account's other requests (anyone's) and the failed attempts on it. */
export function History({ request }: { request: OperatorLinkRequest }) {
  const history = request.history;
  if (!history) return null;
  const failed = history.failed_attempts;
  const titleId = `history-${request.id}`;
  return (
    <section className="request-review" aria-labelledby={titleId}>
      <h3 id={titleId} className="card-subtitle">
        История по счету
      </h3>
      {history.requests.length === 0 ? (
        <p className="small muted">Других заявок по этому счету не было.</p>
      ) : (
        <ul className="history-list">
          {history.requests.map((item) => (
            <li key={item.id} className="small">
              {requester(item.requester_email)} · {REQUEST_STATUS[item.status] ?? item.status} · создана {formatDateTime(item.created_at)}
              {item.decided_at ? ` · решение ${formatDateTime(item.decided_at)}` : ""}
            </li>
          ))}
        </ul>
      )}
      <p className="small">
        Неудачных попыток привязать счет за {failed.days} дней: {failed.count}
        {failed.times.length > 0 ? `, последняя ${formatDateTime(failed.times[0])}` : ""}
      </p>
    </section>
  );
}

/** «Одобрить» and «Отклонить» ask first; a rejection needs its reason, which the subscriber reads. */
function RequestDecision({
  request,
  action,
  regionTitle,
  onClose,
  onDone,
}: {
  request: OperatorLinkRequest;
  action: Decision;
  regionTitle: string;
  onClose: () => void;
  onDone: (message: string) => Promise<void>;
}) {
  const who = requester(request.requester_email);
  return (
    <DecisionDialog
      action={action}
      title={action === "approve" ? "Одобрить заявку?" : "Отклонить заявку?"}
      commentLabel="Причина отказа (ее увидит абонент)"
      confirmLabel={action === "approve" ? "Одобрить" : "Отклонить заявку"}
      send={(comment) =>
        action === "approve"
          ? api.post(`/operator/link-requests/${request.id}/approve`)
          : api.post(`/operator/link-requests/${request.id}/reject`, { comment })
      }
      onClose={onClose}
      onDone={() =>
        onDone(action === "approve" ? `Заявка по счету №\u00a0${request.number} одобрена: счет привязан` : `Заявка по счету №\u00a0${request.number} отклонена`)
      }
    >
      <p>
        {action === "approve"
          ? `Лицевой счет №\u00a0${request.number} (${regionTitle}) будет привязан к учетной записи абонента ${who}. Абонент получит письмо.`
          : `Заявка абонента ${who} на добавление лицевого счета №\u00a0${request.number} (${regionTitle}) будет отклонена. Абонент получит письмо и увидит причину отказа в личном кабинете.`}
      </p>
    </DecisionDialog>
  );
}

export function OperatorFeedbackPage() {
  const { key } = useLocation();
  const feedback = useLoad(() => api.get<Feedback[]>("/operator/feedback"), [key]);
  const list = feedback.data ?? [];
  return (
    <Page title="Сообщения обратной связи" lead="Отзывы и предложения через форму «Обратная связь», в том числе от посетителей без учетной записи. Обращения абонентов — в разделе «Обращения».">
      <ListStatus loaded={feedback} count={list.length} empty="Сообщений нет." />
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
          <h2 className="card-title">Лицевой счет №&nbsp;{found.number}</h2>
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
