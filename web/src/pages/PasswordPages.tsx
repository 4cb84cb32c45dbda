/** «Забыли пароль» («Восстановить») and «Изменение пароля» («Отправить» → «Пароль успешно изменен»).
 * The reset page asks whether its link still works (`POST /auth/password/reset/check`, which
 * spends nothing) before it shows the form: a dead link is said at once, with the way to a new
 * one, not after the new password was typed twice. */

import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { api, ApiError } from "../api/client";
import type { MessageOut } from "../api/types";
import { LiveMessage, Loading, Page, SubmitButton, TextField } from "../components/ui";
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

const INVALID_LINK = "Ссылка недействительна или устарела. Запросите новую";

export function ResetPasswordPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  // "checking" until the API says whether the link works; a failure to ask shows the form (the
  // reset itself then says what is wrong).
  const [link, setLink] = useState<"checking" | "valid" | "invalid">(token ? "checking" : "invalid");
  const [linkError, setLinkError] = useState(INVALID_LINK);
  const asked = useRef(false);
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const submission = useSubmit(["password", "password_confirm"]);

  useEffect(() => {
    if (!token || asked.current) return;
    asked.current = true; // once, even when React runs effects twice
    api
      .post<MessageOut>("/auth/password/reset/check", { token })
      .then(() => setLink("valid"))
      .catch((caught) => {
        if (caught instanceof ApiError && caught.status === 400) {
          setLinkError(caught.detail);
          setLink("invalid");
        } else {
          setLink("valid");
        }
      });
  }, [token]);

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

  if (link === "checking") {
    return (
      <Page title="Изменение пароля" className="page-narrow">
        <Loading label="Проверяем ссылку…" lines={2} />
      </Page>
    );
  }

  if (link === "invalid") {
    return (
      <Page title="Изменение пароля" className="page-narrow">
        <LiveMessage error={linkError} />
        <Link to="/password/forgot" className="button button-primary">
          Запросить новую ссылку
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
