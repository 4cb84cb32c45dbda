/** «Профиль»: the e-mail, change of password, «Объединить профили» («Объединение учетных записей»),
 * the subscriber's «Сохраненные карты» (ProfileCards.tsx), and their own security
 * (ProfileSecurity.tsx): change of address, «Сеансы», «Уведомления».
 *
 * A merge cannot be undone, so «Объединить» asks first in a dialog that says so and what moves.
 * The merge form opens right after the button (next to it at desktop width, below it on a
 * phone), is scrolled into view and takes the focus: on a phone it would otherwise open out of
 * sight and the tap would seem to do nothing. */

import { useEffect, useRef, useState, type FormEvent } from "react";

import { api } from "../api/client";
import type { MessageOut } from "../api/types";
import { Modal } from "../components/Modal";
import { LiveMessage, Page, SubmitButton, TextField } from "../components/ui";
import { formatDate } from "../lib/format";
import { useSubmit } from "../lib/hooks";
import { SavedCardsSection } from "./ProfileCards";
import { EmailChangeForm, NotificationsSection, SessionsSection } from "./ProfileSecurity";
import { isStaff, ROLE_NAMES } from "../session/roles";
import { useSession } from "../session/session";

export function ProfilePage() {
  const { profile } = useSession();
  const [merging, setMerging] = useState(false);
  return (
    <Page title="Профиль">
      <div className="profile-grid">
        <section className="card" aria-labelledby="profile-about">
          <h2 id="profile-about" className="card-title">
            Учетная запись
          </h2>
          <dl className="facts facts-list">
            <div>
              <dt>Адрес электронной почты</dt>
              <dd className="break">{profile?.email}</dd>
            </div>
            <div>
              <dt>Адрес подтвержден</dt>
              <dd>{profile?.email_confirmed ? "Да" : "Нет"}</dd>
            </div>
            {profile?.created_at ? (
              <div>
                <dt>Зарегистрирована</dt>
                <dd>{formatDate(profile.created_at)}</dd>
              </div>
            ) : null}
            {isStaff(profile) ? (
              <div>
                <dt>Роль</dt>
                <dd>{ROLE_NAMES[profile?.role ?? ""] ?? profile?.role}</dd>
              </div>
            ) : null}
          </dl>
          {isStaff(profile) ? null : (
            <div className="merge">
              <p className="muted">
                Если у Вас несколько учетных записей с разными лицевыми счетами, объедините их, чтобы видеть все счета в одной.
              </p>
              <button type="button" className="button button-secondary" aria-expanded={merging} aria-controls="merge-form" onClick={() => setMerging((v) => !v)}>
                Объединить профили
              </button>
            </div>
          )}
        </section>
        {merging ? <MergeForm into={profile?.email ?? ""} onCancel={() => setMerging(false)} /> : null}
        {isStaff(profile) ? null : <SavedCardsSection />}
        <PasswordForm />
        {isStaff(profile) ? null : <EmailChangeForm current={profile?.email ?? ""} />}
        <SessionsSection />
        <NotificationsSection staff={isStaff(profile)} />
      </div>
    </Page>
  );
}

function PasswordForm() {
  const [current, setCurrent] = useState("");
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const submission = useSubmit(["current_password", "password", "password_confirm"]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!current) errors.current_password = "Укажите текущий пароль";
    if (!password) errors.password = "Придумайте новый пароль";
    if (password && confirm !== password) errors.password_confirm = "Пароли не совпадают";
    if (Object.keys(errors).length > 0) {
      submission.fail("Проверьте правильность заполнения полей", errors);
      return;
    }
    const done = await submission.run(
      () => api.post<MessageOut>("/profile/password", { current_password: current, password, password_confirm: confirm }),
      (answer) => answer.message,
    );
    if (done) {
      setCurrent("");
      setPassword("");
      setConfirm("");
    }
  }

  return (
    <section className="card" aria-labelledby="password-title">
      <h2 id="password-title" className="card-title">
        Изменение пароля
      </h2>
      <form className="form" onSubmit={submit} noValidate>
        <LiveMessage error={submission.error} success={submission.success} />
        <TextField label="Текущий пароль" type="password" autoComplete="current-password" value={current} onChange={setCurrent} error={submission.fields.current_password} />
        <TextField
          label="Новый пароль"
          type="password"
          autoComplete="new-password"
          hint="Не менее 8 символов. После смены пароля другие сеансы будут завершены."
          value={password}
          onChange={setPassword}
          error={submission.fields.password}
        />
        <TextField label="Повторите пароль" type="password" autoComplete="new-password" value={confirm} onChange={setConfirm} error={submission.fields.password_confirm} />
        <SubmitButton busy={submission.busy}>Изменить пароль</SubmitButton>
      </form>
    </section>
  );
}

function MergeForm({ into, onCancel }: { into: string; onCancel: () => void }) {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [confirming, setConfirming] = useState(false);
  const submission = useSubmit(["email", "password"]);
  const section = useRef<HTMLElement>(null);

  useEffect(() => {
    // Into view and to the first field as soon as it opens (on a phone it opens below the fold).
    const box = section.current;
    if (!box) return;
    if (typeof box.scrollIntoView === "function") box.scrollIntoView({ block: "start" }); // (not in jsdom)
    box.querySelector<HTMLInputElement>("input")?.focus({ preventScroll: true });
  }, []);

  function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!email.trim()) errors.email = "Укажите адрес электронной почты присоединяемой учетной записи";
    if (!password) errors.password = "Укажите пароль присоединяемой учетной записи";
    if (Object.keys(errors).length > 0) {
      submission.fail("Проверьте правильность заполнения полей", errors);
      return;
    }
    submission.reset();
    setConfirming(true);
  }

  async function merge() {
    setConfirming(false);
    const done = await submission.run(() => api.post<MessageOut>("/profile/merge", { email: email.trim(), password }), (answer) => answer.message);
    if (done) {
      setEmail("");
      setPassword("");
    }
  }

  return (
    <section ref={section} id="merge-form" className="card" aria-labelledby="merge-title">
      <h2 id="merge-title" className="card-title">
        Объединение учетных записей
      </h2>
      <p className="muted">
        Укажите почтовый ящик и пароль учетной записи, которую нужно присоединить. Ее лицевые счета перейдут в эту учетную запись, а
        войти в нее больше будет нельзя.
      </p>
      <form className="form" onSubmit={submit} noValidate>
        <LiveMessage error={submission.error} success={submission.success} />
        <TextField label="Адрес электронной почты" type="email" autoComplete="off" value={email} onChange={setEmail} error={submission.fields.email} />
        <TextField label="Пароль" type="password" autoComplete="off" value={password} onChange={setPassword} error={submission.fields.password} />
        <div className="form-actions">
          <SubmitButton busy={submission.busy}>Объединить</SubmitButton>
          <button type="button" className="button button-ghost" onClick={onCancel}>
            Отмена
          </button>
        </div>
      </form>
      {confirming ? (
        <Modal title="Объединить учетные записи?" onClose={() => setConfirming(false)}>
          <p className="break">
            Учетная запись {email.trim()} будет присоединена к Вашей учетной записи {into}: все ее лицевые счета перейдут сюда, а войти в
            нее больше будет нельзя.
          </p>
          <p>
            <strong>Это действие нельзя отменить.</strong>
          </p>
          <div className="form-actions">
            <button type="button" className="button button-danger" onClick={merge}>
              Объединить
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
