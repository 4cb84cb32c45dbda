/**
 * The staff's payments (docs/contract.md §4 "Refunds"): «Платежи» looks payments up by region,
 * account number, status and days; a payment's page tells its whole story (the payment, what
 * happened to it with the bank, its refunds) and gives money back («Вернуть деньги», above the
 * threshold after a second person's approval); «Возвраты на подтверждение» is the supervisors'
 * queue of such refunds. Every look is audited by the API.
 */

import { useState, type FormEvent } from "react";
import { Link, NavLink, useLocation, useParams, useSearchParams } from "react-router";

import { api } from "../api/client";
import type { PaymentStory, Refund, StaffPayment } from "../api/finance";
import { Modal } from "../components/Modal";
import { Alert, LiveMessage, Loading, Page, SelectField, SubmitButton, TextArea, TextField } from "../components/ui";
import {
  AWAITING_SECOND,
  METHOD,
  NO_FILTERS,
  PAGE_SIZE,
  REFUND_STATUS,
  STAFF_PAYMENT_STATUS,
  checkRefundAmount,
  decisionError,
  filtersFromSearch,
  filtersToSearch,
  leftToRefund,
  leftToRefundKopecks,
  paymentsQuery,
  refundOutcome,
  storyLine,
  type PaymentFilters,
} from "../lib/finance";
import { CARD_BRAND, formatDateTime, formatPan } from "../lib/format";
import { useLoad, useSubmit } from "../lib/hooks";
import { amountForInput, formatMoney, toKopecks } from "../lib/money";
import { regionName, useRegions } from "../lib/regions";
import { isSupervisor } from "../session/roles";
import { useSession } from "../session/session";

export const PAYMENTS_PATH = "/operator/payments";
export const REFUNDS_PATH = "/operator/payments/refunds";
export const RECONCILIATION_PATH = "/operator/payments/reconciliation";

/** The section's own pages under the menu's «Платежи»: the lookup, supervisors' queue, the reconciliation. */
export function FinanceTabs() {
  const session = useSession();
  const tabs = [
    { to: PAYMENTS_PATH, label: "Поиск платежей" },
    ...(isSupervisor(session.profile) ? [{ to: REFUNDS_PATH, label: "Возвраты на подтверждение" }] : []),
    { to: RECONCILIATION_PATH, label: "Сверка с банком" },
  ];
  return (
    <nav className="tabs" aria-label="Разделы платежей">
      <ul className="tabs-list">
        {tabs.map((tab) => (
          <li key={tab.to}>
            <NavLink to={tab.to} end className={({ isActive }) => `tab${isActive ? " tab-active" : ""}`}>
              {tab.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}

function newKey(): string {
  return typeof crypto !== "undefined" && typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

function paymentLabel(payment: StaffPayment): string {
  return `Платеж ${formatMoney(payment.amount)} от ${formatDateTime(payment.created_at)} по счету № ${payment.account_number}`;
}

function wayToPay(payment: StaffPayment): string {
  if (payment.card) return `${CARD_BRAND[payment.card.brand] ?? payment.card.brand} ${formatPan(payment.card.pan_masked)}`;
  return METHOD[payment.method] ?? payment.method;
}

// ----------------------------------------------------------------------------- the lookup

export function OperatorPaymentsPage() {
  const [search, setSearch] = useSearchParams();
  const asked = filtersFromSearch(search);
  const offset = Math.max(0, Number(search.get("offset") ?? 0) || 0);
  const [draft, setDraft] = useState<PaymentFilters>(asked);
  const { regions } = useRegions();
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

  function page(to: number) {
    setSearch(filtersToSearch(asked, Math.max(0, to)));
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
      {found.loading && !found.data ? <Loading /> : null}
      {found.error ? <Alert kind="error">{found.error}</Alert> : null}
      {!found.loading && !found.error && rows.length === 0 ? <p className="card empty">Платежей не найдено.</p> : null}
      {rows.length > 0 ? (
        <div className="table-wrap card">
          <table className="table table-cards">
            <caption className="table-caption">Найденные платежи</caption>
            <thead>
              <tr>
                <th scope="col">Создан</th>
                <th scope="col">Лицевой счет</th>
                <th scope="col" className="num">
                  Сумма
                </th>
                <th scope="col" className="num">
                  Возвращено
                </th>
                <th scope="col">Статус</th>
                <th scope="col">Способ</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((payment) => (
                <tr key={payment.id}>
                  <td data-label="Создан">
                    <Link to={`${PAYMENTS_PATH}/${payment.id}`} state={{ back: search.toString() }} aria-label={paymentLabel(payment)}>
                      {formatDateTime(payment.created_at)}
                    </Link>
                  </td>
                  <td data-label="Лицевой счет">
                    № {payment.account_number}
                    <span className="status-reason">{regionName(regions, payment.region_code)}</span>
                  </td>
                  <td data-label="Сумма" className="num">
                    {formatMoney(payment.amount)}
                  </td>
                  <td data-label="Возвращено" className="num">
                    {toKopecks(payment.refunded_amount) > 0 ? formatMoney(payment.refunded_amount) : "—"}
                  </td>
                  <td data-label="Статус">
                    <span className={`badge badge-${payment.status}`}>{STAFF_PAYMENT_STATUS[payment.status] ?? payment.status}</span>
                  </td>
                  <td data-label="Способ">{wayToPay(payment)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {offset > 0 || more ? (
        <nav className="form-actions" aria-label="Страницы результатов">
          <button type="button" className="button button-ghost" disabled={offset === 0 || found.loading} onClick={() => page(offset - PAGE_SIZE)}>
            Новее
          </button>
          <span className="muted small pager-note">
            {offset + 1}–{offset + rows.length}
          </span>
          <button type="button" className="button button-ghost" disabled={!more || found.loading} onClick={() => page(offset + PAGE_SIZE)}>
            Старше
          </button>
        </nav>
      ) : null}
    </Page>
  );
}

// ----------------------------------------------------------------------------- one payment's story

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

function Refunds({ refunds }: { refunds: Refund[] }) {
  return (
    <section className="card section" aria-labelledby="payment-refunds">
      <h2 id="payment-refunds" className="card-title">
        Возвраты
      </h2>
      {refunds.length === 0 ? (
        <p className="muted">Возвратов по платежу не было.</p>
      ) : (
        <div className="table-wrap">
          <table className="table table-cards">
            <caption className="visually-hidden">Возвраты по платежу</caption>
            <thead>
              <tr>
                <th scope="col">Запрошен</th>
                <th scope="col" className="num">
                  Сумма
                </th>
                <th scope="col">Причина</th>
                <th scope="col">Статус</th>
              </tr>
            </thead>
            <tbody>
              {refunds.map((refund) => (
                <tr key={refund.id}>
                  <td data-label="Запрошен">{formatDateTime(refund.created_at)}</td>
                  <td data-label="Сумма" className="num">
                    {formatMoney(refund.amount)}
                  </td>
                  <td data-label="Причина" className="break">
                    {refund.reason}
                  </td>
                  <td data-label="Статус">
                    <span className={`badge badge-${refund.status}`}>{REFUND_STATUS[refund.status] ?? refund.status}</span>
                    <RefundNote refund={refund} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
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

/** «Вернуть деньги»: the amount (what is left, unless changed) and the reason; one
 * Idempotency-Key per what was typed, so a retry after a lost answer is the same refund. */
function RefundForm({ story, onDone }: { story: PaymentStory; onDone: () => Promise<void> }) {
  const left = leftToRefundKopecks(story.payment, story.refunds);
  const [amount, setAmount] = useState(() => amountForInput(leftToRefund(story.payment, story.refunds)));
  const [reason, setReason] = useState("");
  const [key, setKey] = useState(newKey);
  const [outcome, setOutcome] = useState<ReturnType<typeof refundOutcome> | null>(null);
  const submission = useSubmit(["amount", "reason"]);

  function edit(setter: (value: string) => void) {
    return (value: string) => {
      setter(value);
      setKey(newKey());
    };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setOutcome(null);
    const checked = checkRefundAmount(amount, left);
    const errors: Record<string, string> = {};
    if (!checked.ok) errors.amount = checked.error;
    if (!reason.trim()) errors.reason = "Укажите причину возврата";
    if (Object.keys(errors).length > 0) {
      submission.fail(null, errors);
      return;
    }
    const refund = await submission.run(() =>
      api.post<Refund>(`${PAYMENTS_PATH}/${story.payment.id}/refunds`, { amount: checked.ok ? checked.value : "", reason: reason.trim() }, { headers: { "Idempotency-Key": key } }),
    );
    if (!refund) return;
    setOutcome(refundOutcome(refund));
    setReason("");
    setKey(newKey());
    await onDone();
  }

  // Once loaded anew after a refund, the amount offered is what is left now.
  const [seenLeft, setSeenLeft] = useState(left);
  if (seenLeft !== left) {
    setSeenLeft(left);
    setAmount(amountForInput(leftToRefund(story.payment, story.refunds)));
  }

  return (
    <section className="card section" aria-labelledby="refund-title">
      <h2 id="refund-title" className="card-title">
        Вернуть деньги
      </h2>
      <div role="status" className="live-slot">
        {outcome && outcome.kind !== "error" ? <div className={`alert alert-${outcome.kind}`}><p>{outcome.text}</p></div> : null}
      </div>
      {outcome && outcome.kind === "error" ? <Alert kind="error">{outcome.text}</Alert> : null}
      {left === 0 ? (
        <p className="muted">
          {story.payment.status === "succeeded" || story.payment.status === "refunded"
            ? "Вся сумма платежа уже возвращена или ожидает возврата."
            : "Вернуть можно только оплаченный платеж."}
        </p>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <LiveMessage error={submission.error} />
          <div className="form-row">
            <TextField
              label="Сумма возврата, ₽"
              value={amount}
              onChange={edit(setAmount)}
              inputMode="decimal"
              autoComplete="off"
              hint={`Не более ${formatMoney(leftToRefund(story.payment, story.refunds))}. Возврат выше порога подтверждает второй сотрудник.`}
              error={submission.fields.amount}
              fieldClassName="field-amount"
            />
          </div>
          <TextArea label="Причина возврата" value={reason} onChange={edit(setReason)} rows={3} maxLength={1000} error={submission.fields.reason} />
          <SubmitButton busy={submission.busy} busyText="Отправка…">
            Вернуть деньги
          </SubmitButton>
        </form>
      )}
    </section>
  );
}

// ----------------------------------------------------------------------------- supervisors' queue

export function OperatorRefundsPage() {
  const session = useSession();
  if (!isSupervisor(session.profile)) {
    return (
      <Page title="Возвраты на подтверждение">
        <FinanceTabs />
        <p>Подтверждать возвраты могут только старшие операторы.</p>
      </Page>
    );
  }
  return <RefundQueue me={session.profile?.user_id ?? ""} />;
}

function RefundQueue({ me }: { me: string }) {
  const { key } = useLocation();
  const queue = useLoad(() => api.get<Refund[]>("/operator/refunds?status=awaiting_approval&limit=200"), [key]);
  const [notice, setNotice] = useState<string | null>(null);
  const [deciding, setDeciding] = useState<{ refund: Refund; action: "approve" | "reject" } | null>(null);
  const list = queue.data ?? [];

  return (
    <Page title="Возвраты на подтверждение" lead="Возвраты выше порога уходят в банк только после подтверждения второго сотрудника — не того, кто запросил возврат.">
      <FinanceTabs />
      <LiveMessage success={notice} />
      {queue.loading && !queue.data ? <Loading /> : null}
      {queue.error ? <Alert kind="error">{queue.error}</Alert> : null}
      {!queue.loading && !queue.error && list.length === 0 ? <p className="card empty">Возвратов, ожидающих подтверждения, нет.</p> : null}
      <ul className="request-list">
        {list.map((refund) => (
          <li key={refund.id} className="card request">
            <div className="request-main">
              <div>
                <p className="request-number">Возврат {formatMoney(refund.amount)}</p>
                <p className="small muted">
                  Запрошен {formatDateTime(refund.created_at)} · {refund.requested_by === me ? "запросили Вы" : `сотрудник ${refund.requested_by}`}
                </p>
              </div>
              <span className="badge">{REFUND_STATUS[refund.status]}</span>
            </div>
            <p className="request-comment">Причина: {refund.reason}</p>
            <p>
              <Link to={`${PAYMENTS_PATH}/${refund.payment_id}`}>История платежа</Link>
            </p>
            <div className="card-actions">
              <button
                type="button"
                className="button button-primary"
                onClick={() => {
                  setNotice(null);
                  setDeciding({ refund, action: "approve" });
                }}
              >
                Подтвердить
              </button>
              <button
                type="button"
                className="button button-ghost"
                onClick={() => {
                  setNotice(null);
                  setDeciding({ refund, action: "reject" });
                }}
              >
                Отклонить
              </button>
            </div>
          </li>
        ))}
      </ul>
      {deciding ? (
        <RefundDecision
          refund={deciding.refund}
          action={deciding.action}
          onClose={() => setDeciding(null)}
          onDone={async (message) => {
            setDeciding(null);
            setNotice(message);
            await queue.reload();
          }}
        />
      ) : null}
    </Page>
  );
}

function RefundDecision({
  refund,
  action,
  onClose,
  onDone,
}: {
  refund: Refund;
  action: "approve" | "reject";
  onClose: () => void;
  onDone: (message: string) => Promise<void>;
}) {
  const [comment, setComment] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [commentError, setCommentError] = useState<string | undefined>(undefined);
  const amount = formatMoney(refund.amount);

  async function decide(event: FormEvent) {
    event.preventDefault();
    setError(null);
    setCommentError(undefined);
    if (action === "reject" && !comment.trim()) {
      setCommentError("Укажите причину отказа");
      return;
    }
    setBusy(true);
    try {
      const done =
        action === "approve"
          ? await api.post<Refund>(`/operator/refunds/${refund.id}/approve`)
          : await api.post<Refund>(`/operator/refunds/${refund.id}/reject`, { comment: comment.trim() });
      await onDone(action === "approve" ? approvedText(done) : `Возврат ${amount} отклонен`);
    } catch (caught) {
      setError(decisionError(caught, "Не удалось сохранить решение, попробуйте позже"));
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={action === "approve" ? "Подтвердить возврат?" : "Отклонить возврат?"} onClose={onClose}>
      <form className="form" onSubmit={decide} noValidate>
        <p>
          {action === "approve"
            ? `Возврат ${amount} будет передан в банк, и деньги вернутся на карту плательщика.`
            : `Возврат ${amount} не будет выполнен. Сумма снова станет доступна для возврата.`}
        </p>
        <p className="small">Причина возврата: {refund.reason}</p>
        <LiveMessage error={error} />
        {action === "reject" ? (
          <TextArea label="Комментарий" value={comment} onChange={setComment} rows={3} maxLength={1000} error={commentError} data-autofocus="" />
        ) : null}
        <div className="form-actions">
          <SubmitButton busy={busy} className={action === "reject" ? "button-danger" : undefined}>
            {action === "approve" ? "Подтвердить" : "Отклонить возврат"}
          </SubmitButton>
          <button type="button" className="button button-ghost" onClick={onClose}>
            Отмена
          </button>
        </div>
      </form>
    </Modal>
  );
}

function approvedText(refund: Refund): string {
  const amount = formatMoney(refund.amount);
  if (refund.status === "succeeded") return `Возврат ${amount} подтвержден и выполнен`;
  if (refund.status === "failed") return `Возврат ${amount} подтвержден, но банк отказал${refund.failure_reason ? `: ${refund.failure_reason}` : ""}`;
  return `Возврат ${amount} подтвержден и передан в банк`;
}
