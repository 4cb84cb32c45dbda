/**
 * «Обращения» of a subscriber: the list (`/appeals`), «Новое обращение» (`/appeals/new`: a topic,
 * the text, an account of «Мои счета» if it concerns one, up to three files), and one appeal
 * (`/appeals/{id}`, the address the letter with the answer links to): its conversation, a reply
 * with files (which reopens an answered appeal), «Закрыть обращение» after a confirmation.
 */

import { useState, type FormEvent } from "react";
import { Link, Navigate, useLocation, useNavigate, useParams } from "react-router";

import { api } from "../api/client";
import type { Account, Appeal, AppealDetail, AppealRegistered, AppealTopic } from "../api/types";
import { AppealFacts, AttachmentsField, Conversation, DueDate, MessageForm, StatusBadge } from "../components/Appeal";
import { Modal } from "../components/Modal";
import { Alert, LiveMessage, Loading, Page, SelectField, SubmitButton, TextArea } from "../components/ui";
import { APPEAL_TEXT_MAX, REOPEN_NOTE, textCounter, textProblem } from "../lib/appeals";
import { formatDateTime } from "../lib/format";
import { useLoad, useSubmit } from "../lib/hooks";
import { isStaff } from "../session/roles";
import { useSession } from "../session/session";

const SUPPLIER = "ГУП РК «Крымэнерго»";

export function AppealsPage() {
  const { key } = useLocation();
  const appeals = useLoad(() => api.get<Appeal[]>("/appeals"), [key]);
  const list = appeals.data ?? [];
  return (
    <Page
      title="Обращения"
      lead={`Письменные вопросы и заявления в ${SUPPLIER}. Ответ придет в личный кабинет, о нем сообщим письмом на адрес электронной почты.`}
    >
      <p>
        <Link to="/appeals/new" className="button button-primary">
          Новое обращение
        </Link>
      </p>
      {appeals.loading && !appeals.data ? <Loading /> : null}
      {appeals.error ? <Alert kind="error">{appeals.error}</Alert> : null}
      {!appeals.loading && !appeals.error && list.length === 0 ? <p className="card empty">Обращений пока нет.</p> : null}
      {list.length > 0 ? <AppealTable appeals={list} linkTo={(a) => `/appeals/${a.id}`} caption="Мои обращения" /> : null}
    </Page>
  );
}

/** The appeals as a table (a card per row on a phone); the number links to the appeal. */
export function AppealTable<T extends Appeal>({
  appeals,
  linkTo,
  linkState,
  caption,
  extra,
}: {
  appeals: T[];
  linkTo: (appeal: T) => string;
  linkState?: (appeal: T) => unknown;
  caption: string;
  extra?: { title: string; cell: (appeal: T) => string };
}) {
  return (
    <div className="card table-wrap">
      <table className="table table-cards appeal-table">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">Номер</th>
            <th scope="col">Тема</th>
            <th scope="col">Статус</th>
            <th scope="col">Дата регистрации</th>
            <th scope="col">Ответ не позднее</th>
            {extra ? <th scope="col">{extra.title}</th> : null}
          </tr>
        </thead>
        <tbody>
          {appeals.map((appeal) => (
            <tr key={appeal.id} className={appeal.overdue ? "row-overdue" : undefined}>
              <td data-label="Номер">
                <Link to={linkTo(appeal)} state={linkState?.(appeal)} className="appeal-number" aria-label={`Обращение № ${appeal.number}`}>
                  №&nbsp;{appeal.number}
                </Link>
              </td>
              <td data-label="Тема">{appeal.topic_title}</td>
              <td data-label="Статус">
                <StatusBadge status={appeal.status} />
              </td>
              <td data-label="Дата регистрации">{formatDateTime(appeal.registered_at)}</td>
              <td data-label="Ответ не позднее">
                <DueDate appeal={appeal} />
              </td>
              {extra ? <td data-label={extra.title}>{extra.cell(appeal)}</td> : null}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

export function NewAppealPage() {
  const navigate = useNavigate();
  const topics = useLoad(() => api.get<AppealTopic[]>("/appeals/topics"), []);
  const accounts = useLoad(() => api.get<Account[]>("/accounts"), []);
  const [topic, setTopic] = useState("");
  const [account, setAccount] = useState("");
  const [text, setText] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const submission = useSubmit(["topic", "text", "account_id", "attachments"]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!topic) errors.topic = "Выберите тему обращения";
    const problem = textProblem(text);
    if (problem) errors.text = problem;
    if (Object.keys(errors).length > 0) {
      submission.fail("Проверьте правильность заполнения полей", errors);
      return;
    }
    const form = new FormData();
    form.append("topic", topic);
    form.append("text", text.trim());
    if (account) form.append("account_id", account);
    for (const file of files) form.append("attachments", file, file.name);
    const filed = await submission.run(() => api.postForm<AppealRegistered>("/appeals", form));
    if (filed) navigate(`/appeals/${filed.id}`, { state: { registered: filed.message } });
  }

  const accountList = accounts.data ?? [];
  return (
    <Page title="Новое обращение" className="page-narrow" lead={`Опишите вопрос: обращение зарегистрируют, и ${SUPPLIER} ответит на него в установленный срок.`}>
      <p>
        <Link to="/appeals">← Все обращения</Link>
      </p>
      {topics.error ? <Alert kind="error">{topics.error}</Alert> : null}
      <form className="card form" onSubmit={submit} noValidate>
        <LiveMessage error={submission.error} />
        <SelectField
          label="Тема"
          value={topic}
          onChange={setTopic}
          placeholder={topics.loading ? "Загрузка…" : "Выберите тему"}
          options={(topics.data ?? []).map((t) => ({ value: t.code, label: t.title }))}
          error={submission.fields.topic}
          required
        />
        <SelectField
          label="Лицевой счет (необязательно)"
          value={account}
          onChange={setAccount}
          placeholder="Обращение не по лицевому счету"
          options={accountList.map((a) => ({ value: a.id, label: `№ ${a.number} — ${a.address}` }))}
          hint={accounts.error ? accounts.error : accountList.length === 0 && !accounts.loading ? "Привязанных счетов нет: их добавляют на странице «Мои счета»." : undefined}
          error={submission.fields.account_id}
        />
        <TextArea
          label="Текст обращения"
          value={text}
          onChange={setText}
          rows={8}
          maxLength={APPEAL_TEXT_MAX}
          hint={textCounter(text.length)}
          error={submission.fields.text}
          required
        />
        <AttachmentsField files={files} onChange={setFiles} error={submission.fields.attachments} />
        <div className="form-actions">
          <SubmitButton busy={submission.busy}>Отправить обращение</SubmitButton>
          <Link to="/appeals" className="button button-ghost">
            Отмена
          </Link>
        </div>
      </form>
    </Page>
  );
}

/** `/appeals/{id}`: the subscriber's page; staff who follow such a link get the desk's page of it. */
export function AppealRoute() {
  const session = useSession();
  const { id = "" } = useParams();
  if (isStaff(session.profile)) return <Navigate to={`/operator/appeals/${id}`} replace />;
  return <AppealPage id={id} />;
}

function AppealPage({ id }: { id: string }) {
  const location = useLocation();
  const registered = (location.state as { registered?: string } | null)?.registered ?? null;
  const appeal = useLoad(() => api.get<AppealDetail>(`/appeals/${id}`), [id]);
  const accounts = useLoad(() => api.get<Account[]>("/accounts"), []);
  const [notice, setNotice] = useState<string | null>(registered);
  const [closing, setClosing] = useState(false);

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
          <Link to="/appeals">Все обращения</Link>
        </p>
      </Page>
    );
  }

  const account = data.account_id ? (accounts.data ?? []).find((a) => a.id === data.account_id) : undefined;
  const open = data.status !== "closed";
  return (
    <Page title={`Обращение № ${data.number}`}>
      <p>
        <Link to="/appeals">← Все обращения</Link>
      </p>
      <LiveMessage success={notice} />
      {appeal.error ? <Alert kind="error">{appeal.error}</Alert> : null}
      <section className="card section" aria-label="Сведения об обращении">
        <AppealFacts
          appeal={data}
          extra={
            data.account_id ? (
              <div>
                <dt>Лицевой счет</dt>
                <dd>{account ? `№ ${account.number}` : "—"}</dd>
              </div>
            ) : null
          }
        />
      </section>
      <Conversation appealId={data.id} messages={data.messages} authorName={(m) => (m.author === "subscriber" ? "Вы" : SUPPLIER)} />
      {open ? (
        <section className="section" aria-label="Ответить">
          <MessageForm
            label="Ваше сообщение"
            submitText="Отправить"
            note={data.status === "answered" ? <Alert kind="info">{REOPEN_NOTE}</Alert> : null}
            send={(form) => api.postForm(`/appeals/${data.id}/messages`, form)}
            onSent={async () => {
              setNotice(data.status === "answered" ? "Сообщение отправлено. Обращение снова передано в работу" : "Сообщение отправлено");
              await appeal.reload();
            }}
          />
          <div className="card-actions appeal-close">
            <button
              type="button"
              className="button button-ghost"
              onClick={() => {
                setNotice(null);
                setClosing(true);
              }}
            >
              Закрыть обращение
            </button>
          </div>
        </section>
      ) : (
        <p className="card empty">
          Обращение закрыто. Если остались вопросы, подайте <Link to="/appeals/new">новое обращение</Link>.
        </p>
      )}
      {closing ? (
        <CloseDialog
          appeal={data}
          onClose={() => setClosing(false)}
          onDone={async () => {
            setClosing(false);
            setNotice(`Обращение № ${data.number} закрыто`);
            await appeal.reload();
          }}
        />
      ) : null}
    </Page>
  );
}

function CloseDialog({ appeal, onClose, onDone }: { appeal: Appeal; onClose: () => void; onDone: () => Promise<void> }) {
  const submission = useSubmit();
  async function confirm(event: FormEvent) {
    event.preventDefault();
    const done = await submission.run(() => api.post<Appeal>(`/appeals/${appeal.id}/close`));
    if (done !== undefined) await onDone();
  }
  return (
    <Modal title="Закрыть обращение?" onClose={onClose}>
      <form className="form" onSubmit={confirm} noValidate>
        <p>
          Обращение № {appeal.number} будет закрыто: написать в него будет нельзя. Если появится новый вопрос, подайте новое обращение.
        </p>
        <LiveMessage error={submission.error} />
        <div className="form-actions">
          <SubmitButton busy={submission.busy}>Закрыть обращение</SubmitButton>
          <button type="button" className="button button-ghost" onClick={onClose}>
            Отмена
          </button>
        </div>
      </form>
    </Modal>
  );
}
