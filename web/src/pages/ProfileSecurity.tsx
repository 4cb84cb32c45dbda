/** «Профиль», a subscriber's own security (docs/contract.md §4): the change of address, the live
 * sessions with ending one or all others, and which letters the person wants.
 *
 * - «Адрес электронной почты»: the new address and the current password; the answer is the same
 *   whether or not the address is free (no enumeration), and nothing changes until the link in
 *   the letter to the new address is opened (/confirm-email-change).
 * - «Сеансы»: each live session with its browser (named from its User-Agent), when it signed in
 *   and was last active, its IP address, «Этот сеанс» for this browser's; «Завершить» ends one,
 *   «Завершить все другие» asks first. An ended session is refused everywhere within a second.
 * - «Уведомления»: the letters beyond the transactional ones, all on until turned off. */

import { Fragment, useId, useState, type FormEvent } from "react";

import { api, messageOf } from "../api/client";
import type { LetterPreferences, MessageOut, SessionInfo } from "../api/types";
import { Modal } from "../components/Modal";
import { Checkbox, LiveMessage, Loading, SubmitButton, TextField } from "../components/ui";
import { formatDateTime } from "../lib/format";
import { useLoad, useSubmit } from "../lib/hooks";
import { browserName } from "../lib/userAgent";

export function EmailChangeForm({ current }: { current: string }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const submission = useSubmit(["new_email", "password"]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!email.trim()) errors.new_email = "Укажите новый адрес электронной почты";
    if (!password) errors.password = "Укажите текущий пароль";
    if (Object.keys(errors).length > 0) {
      submission.fail("Проверьте правильность заполнения полей", errors);
      return;
    }
    const done = await submission.run(
      () => api.post<MessageOut>("/profile/email", { new_email: email.trim(), password }),
      (answer) => answer.message,
    );
    if (done) {
      setEmail("");
      setPassword("");
    }
  }

  return (
    <section className="card" aria-labelledby="email-title">
      <h2 id="email-title" className="card-title">
        Адрес электронной почты
      </h2>
      <p className="muted break">
        Сейчас: {current}. На новый адрес придет письмо со ссылкой: адрес изменится, когда Вы перейдете по ней. Другие сеансы при этом
        будут завершены, а на прежний адрес придет уведомление.
      </p>
      <form className="form" onSubmit={submit} noValidate>
        <LiveMessage error={submission.error} success={submission.success} />
        <TextField label="Новый адрес электронной почты" type="email" autoComplete="email" value={email} onChange={setEmail} error={submission.fields.new_email} />
        <TextField label="Текущий пароль" type="password" autoComplete="current-password" value={password} onChange={setPassword} error={submission.fields.password} />
        <SubmitButton busy={submission.busy}>Изменить адрес</SubmitButton>
      </form>
    </section>
  );
}

export function SessionsSection() {
  const sessions = useLoad(() => api.get<SessionInfo[]>("/profile/sessions"), []);
  const [error, setError] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  // This browser's first, then the others as the API orders them (the most recently used first).
  const listed = sessions.data ? [...sessions.data].sort((a, b) => Number(b.current) - Number(a.current)) : null;
  const others = (listed ?? []).filter((session) => !session.current);

  async function end(path: string, done: string) {
    setBusy(true);
    setError(null);
    setSuccess(null);
    try {
      await api.delete<null>(path);
      setSuccess(done);
      await sessions.reload();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  async function endOthers() {
    setConfirming(false);
    await end("/profile/sessions", "Все другие сеансы завершены");
  }

  return (
    <section className="card" aria-labelledby="sessions-title">
      <h2 id="sessions-title" className="card-title">
        Сеансы
      </h2>
      <p className="muted">Где выполнен вход в Вашу учетную запись. Если какой-то сеанс Вам незнаком, завершите его и смените пароль.</p>
      <LiveMessage error={error ?? sessions.error} success={success} />
      {sessions.loading && !sessions.data ? <Loading label="Загружаем сеансы…" lines={2} /> : null}
      {listed ? (
        <ul className="session-list" aria-label="Сеансы">
          {listed.map((session) => (
            <SessionItem key={session.id} session={session} busy={busy} onEnd={() => end(`/profile/sessions/${session.id}`, "Сеанс завершен")} />
          ))}
        </ul>
      ) : null}
      {others.length > 0 ? (
        <div className="form-actions">
          <button type="button" className="button button-danger" disabled={busy} onClick={() => setConfirming(true)}>
            Завершить все другие
          </button>
        </div>
      ) : null}
      {confirming ? (
        <Modal title="Завершить все другие сеансы?" onClose={() => setConfirming(false)}>
          <p>Вход будет завершен во всех браузерах и на всех устройствах, кроме этого. Там нужно будет войти снова.</p>
          <div className="form-actions">
            <button type="button" className="button button-danger" onClick={endOthers}>
              Завершить
            </button>
            <button type="button" className="button button-ghost" onClick={() => setConfirming(false)} data-autofocus="">
              Отмена
            </button>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}

function SessionItem({ session, busy, onEnd }: { session: SessionInfo; busy: boolean; onEnd: () => void }) {
  const nameId = useId();
  const name = browserName(session.user_agent);
  return (
    <li className="session">
      <p className="session-name">
        <strong id={nameId}>{name}</strong>
        {session.current ? <span className="badge">Этот сеанс</span> : null}
      </p>
      <dl className="facts facts-compact">
        <div>
          <dt>Вход</dt>
          <dd>{formatDateTime(session.created_at)}</dd>
        </div>
        <div>
          <dt>Последняя активность</dt>
          <dd>{formatDateTime(session.last_seen_at)}</dd>
        </div>
        <div>
          <dt>IP-адрес</dt>
          <dd>{session.client_address ?? "неизвестен"}</dd>
        </div>
      </dl>
      {session.current ? null : (
        <button type="button" className="button button-secondary" aria-describedby={nameId} disabled={busy} onClick={onEnd}>
          Завершить
        </button>
      )}
    </li>
  );
}

// The same words as the letters' unsubscribe page (identity's names for each kind).
const SUBSCRIBER_LETTERS: [keyof LetterPreferences, string][] = [
  ["reading_window", "Напоминания о передаче показаний"],
  ["verification_due", "Напоминания о поверке прибора учета"],
  ["debt", "Напоминания о задолженности"],
  ["bill_issued", "Уведомления о новых квитанциях"],
  ["payment_receipts", "Квитанции об оплате"],
];
// Paperless means the bill comes by letter instead of on paper: without these letters it is only on «Квитанции».
const BILLS_NOTE =
  "Если для лицевого счета включена электронная квитанция вместо бумажной, без этих писем квитанции будут только в личном кабинете, на странице «Квитанции».";
const SIGN_IN_LETTER: [keyof LetterPreferences, string] = ["new_sign_in", "Вход с нового браузера или устройства"];

export function NotificationsSection({ staff }: { staff: boolean }) {
  const loaded = useLoad(() => api.get<LetterPreferences>("/profile/notifications"), []);
  const [changes, setChanges] = useState<Partial<LetterPreferences>>({});
  const submission = useSubmit([]);
  const shown = staff ? [SIGN_IN_LETTER] : [...SUBSCRIBER_LETTERS, SIGN_IN_LETTER];
  const [stored, setStored] = useState<LetterPreferences | null>(null);
  const saved = stored ?? loaded.data; // what the server holds: its last answer

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!saved) return;
    const chosen = { ...saved, ...changes };
    const done = await submission.run(() => api.put<LetterPreferences>("/profile/notifications", chosen), () => "Настройки уведомлений сохранены");
    if (done) {
      setStored(done);
      setChanges({});
    }
  }

  return (
    <section className="card" aria-labelledby="notifications-title">
      <h2 id="notifications-title" className="card-title">
        Уведомления
      </h2>
      <p className="muted">Какие письма присылать, кроме обязательных (подтверждения, решения по заявкам, смена пароля).</p>
      {loaded.loading && !loaded.data ? <Loading label="Загружаем настройки…" lines={2} /> : null}
      <LiveMessage error={submission.error ?? loaded.error} success={submission.success} />
      {saved ? (
        <form className="form" onSubmit={submit} noValidate>
          {shown.map(([key, label]) => (
            <Fragment key={key}>
              <Checkbox label={label} checked={changes[key] ?? saved[key]} onChange={(value) => setChanges((was) => ({ ...was, [key]: value }))} />
              {key === "bill_issued" ? <p className="field-hint">{BILLS_NOTE}</p> : null}
            </Fragment>
          ))}
          <SubmitButton busy={submission.busy}>Сохранить</SubmitButton>
        </form>
      ) : null}
    </section>
  );
}
