/** «Регистрация»: e-mail, «Пароль», «Повторите пароль», the consent of 152-ФЗ, «Зарегистрировать». */

import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import { api } from "../api/client";
import type { MessageOut } from "../api/types";
import { Checkbox, LiveMessage, Page, SubmitButton, TextField } from "../components/ui";
import { useSubmit } from "../lib/hooks";

export const CONSENT_REQUIRED = "Необходимо согласие на обработку персональных данных";
const FIELDS = ["email", "password", "password_confirm", "personal_data_consent"] as const;

/** What the form refuses before asking the API. */
export function checkRegistration(form: { email: string; password: string; passwordConfirm: string; consent: boolean }): Record<string, string> {
  const errors: Record<string, string> = {};
  if (!form.email.trim()) errors.email = "Укажите адрес электронной почты";
  else if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(form.email.trim())) errors.email = "Укажите адрес электронной почты, например ivanov@example.ru";
  if (!form.password) errors.password = "Придумайте пароль";
  if (form.password && form.passwordConfirm !== form.password) errors.password_confirm = "Пароли не совпадают";
  if (!form.consent) errors.personal_data_consent = CONSENT_REQUIRED;
  return errors;
}

export function RegisterPage() {
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [passwordConfirm, setPasswordConfirm] = useState("");
  const [consent, setConsent] = useState(false);
  const submission = useSubmit(FIELDS);
  const [done, setDone] = useState<string | null>(null);
  // The address the letter went to, as typed: it is the visitor's own, and the answer is the
  // same for any address (docs/contract.md §2), so showing it tells nothing new.
  const [sentTo, setSentTo] = useState("");

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors = checkRegistration({ email, password, passwordConfirm, consent });
    if (Object.keys(errors).length > 0) {
      submission.fail("Проверьте правильность заполнения полей", errors);
      return;
    }
    await submission.run(
      () =>
        api.post<MessageOut>("/auth/register", {
          email: email.trim(),
          password,
          password_confirm: passwordConfirm,
          personal_data_consent: consent,
        }),
      (answer) => {
        setSentTo(email.trim());
        setDone(answer.message);
      },
    );
  }

  const f = submission.fields;
  return (
    <Page title="Регистрация" className="page-narrow">
      <LiveMessage error={submission.error} success={done} />
      {done ? (
        <div className="card">
          <p className="break">
            Письмо для подтверждения отправлено на адрес <strong>{sentTo}</strong>
          </p>
          <p>Перейдите по ссылке из письма, чтобы подтвердить адрес, а затем войдите в личный кабинет.</p>
          <Link to="/" className="button button-primary">
            Перейти к авторизации
          </Link>
        </div>
      ) : (
        <form className="card form" onSubmit={submit} noValidate>
          <TextField
            label="Адрес электронной почты"
            type="email"
            inputMode="email"
            autoComplete="email"
            value={email}
            onChange={setEmail}
            error={f.email}
            required
          />
          <TextField
            label="Пароль"
            type="password"
            autoComplete="new-password"
            hint="Не менее 8 символов. Не используйте распространенные пароли и адрес почты."
            value={password}
            onChange={setPassword}
            error={f.password}
            required
          />
          <TextField
            label="Повторите пароль"
            type="password"
            autoComplete="new-password"
            value={passwordConfirm}
            onChange={setPasswordConfirm}
            error={f.password_confirm}
            required
          />
          <Checkbox
            label={
              <>
                Я даю согласие ГУП РК «Крымэнерго» на обработку моих персональных данных в соответствии с Федеральным законом от
                27.07.2006 №&nbsp;152-ФЗ «О персональных данных» в целях работы в личном кабинете абонента
              </>
            }
            checked={consent}
            onChange={setConsent}
            error={f.personal_data_consent}
            required
          />
          <div className="form-actions">
            <SubmitButton busy={submission.busy}>Зарегистрировать</SubmitButton>
            <Link to="/" className="link">
              Уже зарегистрированы? Войти
            </Link>
          </div>
        </form>
      )}
    </Page>
  );
}
