/**
 * «Мои счета»: each account with its balance, «Оплатить», «Убрать», its «Автоплатеж», «Добавить»,
 * «Оплатить несколько счетов» (two accounts or more), and the link requests the subscriber can
 * still act on (pending and rejected: «Редактировать», «Отозвать»); decided and withdrawn ones
 * are not listed (an approved request's account is).
 */

import { useState, type ReactNode } from "react";
import { Link } from "react-router";

import { api, messageOf } from "../api/client";
import type { Account, EditOutcome, LinkBody, LinkOutcome, LinkRequest, MessageOut, RequestProof } from "../api/types";
import { AutopayPanel } from "../components/Autopay";
import { BasketDialog } from "../components/BasketDialog";
import { CardIcon, PlusIcon } from "../components/icons";
import { initialFromRequest, LINK_FIELDS, LinkForm } from "../components/LinkForm";
import { Modal } from "../components/Modal";
import { PayDialog } from "../components/PayDialog";
import { Alert, LiveMessage, Loading, Page, ProcessingNote } from "../components/ui";
import { formatDate, formatDateTime, REQUEST_STATUS } from "../lib/format";
import { useLoad, useSubmit } from "../lib/hooks";
import { absMoney, formatMoney, isNegative, isPositive } from "../lib/money";
import { regionName, useRegions } from "../lib/regions";

export function AccountsPage() {
  const accounts = useLoad(() => api.get<Account[]>("/accounts"), []);
  const requests = useLoad(() => api.get<LinkRequest[]>("/link-requests"), []);
  const [basket, setBasket] = useState(false);
  const { regions, error: regionsError } = useRegions();
  const [adding, setAdding] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  // A request made instead of a link is not a success: said as information, with what happens next.
  const [info, setInfo] = useState<string | null>(null);
  const [noticeError, setNoticeError] = useState<string | null>(null);
  const [paying, setPaying] = useState<Account | null>(null);
  const [removing, setRemoving] = useState<Account | null>(null);
  const [removeBusy, setRemoveBusy] = useState(false);
  const addSubmission = useSubmit(LINK_FIELDS);

  function tell(message: string | null, kind: "success" | "info" = "success") {
    setNotice(kind === "success" ? message : null);
    setInfo(kind === "info" ? message : null);
    setNoticeError(null);
  }

  async function add(body: LinkBody) {
    tell(null);
    const outcome = await addSubmission.run(() => api.post<LinkOutcome>("/accounts", body));
    if (!outcome) return;
    if (outcome.status === "request_created") tell(joined(outcome.message, outcome.explanation), "info");
    else tell(outcome.message);
    setAdding(false);
    await Promise.all([accounts.reload(), requests.reload()]);
  }

  async function remove(account: Account) {
    setRemoveBusy(true);
    setNoticeError(null);
    try {
      const answer = await api.delete<MessageOut>(`/accounts/${account.id}`);
      tell(answer?.message ?? "Счет удален из списка Ваших счетов");
      setRemoving(null);
      await accounts.reload();
    } catch (caught) {
      setNoticeError(messageOf(caught));
      setRemoving(null);
    } finally {
      setRemoveBusy(false);
    }
  }

  const list = accounts.data ?? [];
  return (
    <Page title="Мои счета" lead="Лицевые счета, привязанные к Вашей учетной записи: задолженность, пеня и сумма к оплате.">
      <div className="toolbar">
        <button
          type="button"
          className="button button-primary"
          aria-expanded={adding}
          aria-controls="add-account"
          onClick={() => {
            setAdding((v) => !v);
            addSubmission.reset();
          }}
        >
          <PlusIcon />
          <span>Добавить</span>
        </button>
        {(accounts.data ?? []).length >= 2 ? (
          <button type="button" className="button button-secondary" onClick={() => setBasket(true)}>
            <CardIcon />
            <span>Оплатить несколько счетов</span>
          </button>
        ) : null}
      </div>
      <LiveMessage success={notice} info={info} error={noticeError} />
      {adding ? (
        <section id="add-account" className="card section" aria-labelledby="add-account-title">
          <h2 id="add-account-title" className="card-title">
            Добавление лицевого счета
          </h2>
          <p className="muted">
            Укажите регион, номер лицевого счета и сумму последнего платежа. Если сумма неизвестна, укажите первые три буквы фамилии
            владельца лицевого счета.
          </p>
          {regionsError ? <Alert kind="error">{regionsError}</Alert> : null}
          <LinkForm
            idPrefix="add"
            regions={regions}
            submitLabel="Добавить"
            submission={addSubmission}
            onSubmit={add}
            onCancel={() => setAdding(false)}
          />
        </section>
      ) : null}

      <section aria-label="Лицевые счета" aria-busy={accounts.loading || undefined}>
        {accounts.loading && !accounts.data ? <Loading /> : null}
        {accounts.error ? <Alert kind="error">{accounts.error}</Alert> : null}
        {!accounts.loading && !accounts.error && list.length === 0 ? (
          <div className="card empty">
            <p>У Вас пока нет привязанных лицевых счетов. Нажмите «Добавить», чтобы привязать счет.</p>
          </div>
        ) : null}
        <ul className="account-grid">
          {list.map((account) => (
            <li key={account.id}>
              <AccountCard account={account} onPay={() => setPaying(account)} onRemove={() => setRemoving(account)}>
                <AutopayPanel account={account} />
              </AccountCard>
            </li>
          ))}
        </ul>
        {list.length > 0 ? <ProcessingNote /> : null}
      </section>

      <LinkRequests
        requests={(requests.data ?? []).filter(isOpen)}
        regions={regions}
        onChanged={async (message, kind) => {
          tell(message, kind);
          await Promise.all([accounts.reload(), requests.reload()]);
        }}
      />

      {paying ? <PayDialog account={paying} onClose={() => setPaying(null)} /> : null}
      {basket ? <BasketDialog accounts={list} onClose={() => setBasket(false)} /> : null}
      {removing ? (
        <Modal title="Убрать счет?" onClose={() => setRemoving(null)}>
          <p>
            Лицевой счет №&nbsp;{removing.number} ({removing.region.name}) будет удален из списка Ваших счетов. Позже его можно добавить снова.
          </p>
          <div className="form-actions">
            <button type="button" className="button button-danger" disabled={removeBusy} onClick={() => remove(removing)} data-autofocus="">
              {removeBusy ? "Удаление…" : "Убрать"}
            </button>
            <button type="button" className="button button-ghost" onClick={() => setRemoving(null)}>
              Отмена
            </button>
          </div>
        </Modal>
      ) : null}
    </Page>
  );
}

export function AccountCard({
  account,
  onPay,
  onRemove,
  children,
}: {
  account: Account;
  onPay: () => void;
  onRemove?: () => void;
  /** Above the actions: the account's «Автоплатеж». */
  children?: ReactNode;
}) {
  const overpaid = isNegative(account.debt);
  const titleId = `account-${account.id}`;
  return (
    <article className="card account-card" aria-labelledby={titleId}>
      <header className="account-head">
        <p className="account-region">{account.region.name}</p>
        <h2 id={titleId} className="account-number">
          Лицевой счет №&nbsp;{account.number}
        </h2>
        <p className="account-address">{account.address}</p>
      </header>
      <dl className="facts">
        <div>
          <dt>{overpaid ? "Переплата" : "Задолженность"}</dt>
          <dd className={overpaid ? "text-good" : undefined}>{formatMoney(overpaid ? absMoney(account.debt) : account.debt)}</dd>
        </div>
        <div>
          <dt>Пеня</dt>
          <dd>{formatMoney(account.penalty)}</dd>
        </div>
        <div className="fact-main">
          <dt>К оплате</dt>
          <dd>{formatMoney(account.amount_due)}</dd>
        </div>
      </dl>
      {isPositive(account.pending_payments) ? (
        <div className="pending">
          <p>
            <strong>Платежи в обработке:</strong> {formatMoney(account.pending_payments)}
          </p>
          <p className="small">Платежи, совершенные в личном кабинете, учитываются в биллинге в течение 1–3 рабочих дней.</p>
        </div>
      ) : null}
      <p className="muted small">Данные биллинга на {formatDate(account.balance_as_of)}</p>
      {children}
      <div className="card-actions">
        <button type="button" className="button button-primary" onClick={onPay} aria-label={`Оплатить по лицевому счету № ${account.number}`}>
          <CardIcon />
          <span>Оплатить</span>
        </button>
        <Link className="button button-secondary" to={`/readings?account=${account.id}`} aria-label={`Показания по лицевому счету № ${account.number}`}>
          Показания
        </Link>
        <Link className="button button-secondary" to={`/payments?account=${account.id}`} aria-label={`Платежи по лицевому счету № ${account.number}`}>
          Платежи
        </Link>
        <Link className="button button-secondary" to={`/bills?account=${account.id}`} aria-label={`Квитанции по лицевому счету № ${account.number}`}>
          Квитанции
        </Link>
        {onRemove ? (
          <button type="button" className="button button-ghost" onClick={onRemove} aria-label={`Убрать лицевой счет № ${account.number}`}>
            Убрать
          </button>
        ) : null}
      </div>
    </article>
  );
}

/** The requests a subscriber can still act on: waiting for an operator, or rejected. */
export function isOpen(request: LinkRequest): boolean {
  return request.status === "pending" || request.status === "rejected";
}

/** "Создана заявка…" and "Указанные данные…" as one message: the first sentence gets its full stop. */
function joined(message: string, more?: string | null): string {
  if (!more) return message;
  return `${/[.!?]$/.test(message) ? message : `${message}.`} ${more}`;
}

/** «Вы указали: …»: the proof as the subscriber entered it. */
export function proofText(proof: RequestProof | null | undefined): string | null {
  if (!proof) return null;
  if ("last_payment_amount" in proof) return `сумма последнего платежа ${formatMoney(proof.last_payment_amount)}`;
  return `первые три буквы фамилии ${proof.surname_prefix}`;
}

function LinkRequests({
  requests,
  regions,
  onChanged,
}: {
  requests: LinkRequest[];
  regions: { code: string; name: string }[];
  onChanged: (message: string, kind?: "success" | "info") => Promise<void>;
}) {
  const [editing, setEditing] = useState<string | null>(null);
  const [withdrawing, setWithdrawing] = useState<LinkRequest | null>(null);
  const [withdrawBusy, setWithdrawBusy] = useState(false);
  const [withdrawError, setWithdrawError] = useState<string | null>(null);
  const submission = useSubmit(LINK_FIELDS);
  if (requests.length === 0) return null;

  async function edit(request: LinkRequest, body: LinkBody) {
    const outcome = await submission.run(() => api.put<EditOutcome>(`/link-requests/${request.id}`, body));
    if (!outcome) return;
    setEditing(null);
    if (outcome.status === "linked") await onChanged(outcome.message);
    else await onChanged(outcome.message ?? "Заявка обновлена и ожидает рассмотрения", "info");
  }

  async function withdraw(request: LinkRequest) {
    setWithdrawBusy(true);
    setWithdrawError(null);
    try {
      const answer = await api.delete<MessageOut>(`/link-requests/${request.id}`);
      setWithdrawing(null);
      if (editing === request.id) setEditing(null);
      await onChanged(answer?.message ?? "Заявка отозвана");
    } catch (caught) {
      setWithdrawError(messageOf(caught));
    } finally {
      setWithdrawBusy(false);
    }
  }

  return (
    <section className="section" aria-labelledby="requests-title">
      <h2 id="requests-title" className="section-title">
        Заявки на добавление счетов
      </h2>
      <p className="muted">Если данные в заявке указаны с ошибкой, исправьте их: «Редактирование заявки». Ненужную заявку можно отозвать.</p>
      <ul className="request-list">
        {requests.map((request) => {
          const entered = proofText(request.proof);
          return (
            <li key={request.id} className="card request">
              <div className="request-main">
                <div>
                  <p className="request-number">Лицевой счет №&nbsp;{request.number}</p>
                  <p className="muted">{regionName(regions, request.region_code)}</p>
                  <p className="small muted">Создана {formatDateTime(request.created_at)}</p>
                </div>
                <span className={`badge badge-${request.status}`}>{REQUEST_STATUS[request.status] ?? request.status}</span>
              </div>
              {entered ? <p>Вы указали: {entered}</p> : null}
              {request.status === "rejected" && request.comment ? (
                <p className="request-comment">
                  <strong>Комментарий оператора:</strong> {request.comment}
                </p>
              ) : null}
              {request.note ? <p className="small muted">{request.note}</p> : null}
              {editing !== request.id ? (
                <div className="card-actions">
                  <button
                    type="button"
                    className="button button-secondary"
                    onClick={() => {
                      submission.reset();
                      setEditing(request.id);
                    }}
                    aria-label={`Редактировать заявку по лицевому счету № ${request.number}`}
                  >
                    Редактировать
                  </button>
                  <button
                    type="button"
                    className="button button-ghost"
                    onClick={() => {
                      setWithdrawError(null);
                      setWithdrawing(request);
                    }}
                    aria-label={`Отозвать заявку по лицевому счету № ${request.number}`}
                  >
                    Отозвать
                  </button>
                </div>
              ) : (
                <div className="request-edit">
                  <h3 className="card-subtitle">Редактирование заявки</h3>
                  <LinkForm
                    idPrefix={`edit-${request.id}`}
                    regions={regions}
                    initial={initialFromRequest(request)}
                    submitLabel="Отправить"
                    submission={submission}
                    onSubmit={(body) => edit(request, body)}
                    onCancel={() => setEditing(null)}
                  />
                </div>
              )}
            </li>
          );
        })}
      </ul>
      {withdrawing ? (
        <Modal title="Отозвать заявку?" onClose={() => setWithdrawing(null)}>
          <p>
            Заявка на добавление лицевого счета №&nbsp;{withdrawing.number} ({regionName(regions, withdrawing.region_code)}) будет отозвана, и
            специалист не будет ее рассматривать. Позже счет можно добавить снова.
          </p>
          <LiveMessage error={withdrawError} />
          <div className="form-actions">
            <button type="button" className="button button-danger" disabled={withdrawBusy} onClick={() => withdraw(withdrawing)} data-autofocus="">
              {withdrawBusy ? "Отзыв…" : "Отозвать"}
            </button>
            <button type="button" className="button button-ghost" onClick={() => setWithdrawing(null)}>
              Отмена
            </button>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}
