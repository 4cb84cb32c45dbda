/** «Забыли пароль» («Восстановить») and «Изменение пароля» («Отправить» → «Пароль успешно изменен»). */

import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { api } from "../api/client";
import type { MessageOut } from "../api/types";
import { LiveMessage, Page, SubmitButton, TextField } from "../components/ui";
import { useSubmit } from "../lib/hooks";

export function ForgotPasswordPage() {
  const [email, setEmail] = useState("");
  const submission = useSubmit(["email"]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!email.trim()) {
      submission.fail("Укажите адрес электронной почты, указанный при регистрации", { email: "Укажите адрес электронной почты" });
      return;
    }
    await submission.run(
      () => api.post<MessageOut | null>("/auth/password/forgot", { email: email.trim() }),
      (answer) => answer?.message ?? "Если учетная запись с этим адресом существует, на него будет направлено письмо для восстановления доступа",
    );
  }

  return (
    <Page title="Восстановление доступа" className="page-narrow" lead="Введите адрес электронной почты, указанный при регистрации, и нажмите «Восстановить».">
      <LiveMessage error={submission.error} success={submission.success} />
      <form className="card form" onSubmit={submit} noValidate>
        <TextField
          label="Адрес электронной почты"
          type="email"
          inputMode="email"
          autoComplete="email"
          value={email}
          onChange={setEmail}
          error={submission.fields.email}
          required
        />
        <div className="form-actions">
          <SubmitButton busy={submission.busy}>Восстановить</SubmitButton>
          <Link to="/" className="link">
            Вернуться к авторизации
          </Link>
        </div>
      </form>
    </Page>
  );
}

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const submission = useSubmit(["password", "password_confirm"]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!password) errors.password = "Придумайте новый пароль";
    if (password && confirm !== password) errors.password_confirm = "Пароли не совпадают";
    if (Object.keys(errors).length > 0) {
      submission.fail("Проверьте правильность заполнения полей", errors);
      return;
    }
    await submission.run(
      () => api.post<MessageOut>("/auth/password/reset", { token, password, password_confirm: confirm }),
      (answer) => answer.message,
    );
  }

  if (!token) {
    return (
      <Page title="Изменение пароля" className="page-narrow">
        <LiveMessage error="Ссылка недействительна или устарела. Запросите новую" />
        <Link to="/password/forgot" className="button button-primary">
          Восстановить доступ
        </Link>
      </Page>
    );
  }

  return (
    <Page title="Изменение пароля" className="page-narrow">
      <LiveMessage error={submission.error} success={submission.success} />
      {submission.success ? (
        <Link to="/" className="button button-primary">
          Войти в личный кабинет
        </Link>
      ) : (
        <form className="card form" onSubmit={submit} noValidate>
          <TextField
            label="Новый пароль"
            type="password"
            autoComplete="new-password"
            hint="Не менее 8 символов."
            value={password}
            onChange={setPassword}
            error={submission.fields.password}
            required
          />
          <TextField
            label="Повторите пароль"
            type="password"
            autoComplete="new-password"
            value={confirm}
            onChange={setConfirm}
            error={submission.fields.password_confirm}
            required
          />
          <div className="form-actions">
            <SubmitButton busy={submission.busy}>Отправить</SubmitButton>
            {submission.error ? (
              <Link to="/password/forgot" className="link">
                Запросить новую ссылку
              </Link>
            ) : null}
          </div>
        </form>
      )}
    </Page>
  );
}
