/** «Авторизация»: e-mail and password, «Войти»; the links the manual names. After sign-in the
 * page remembered in `?next=` opens when it is one of this person's (session/returnTo.ts).
 *
 * Staff sign in in two steps (docs/contract.md §4): their right password is answered with a
 * challenge, and the card asks for the six-digit code from the authenticator app, or, with
 * «Использовать резервный код», for one of the recovery codes. A challenge that is over (too
 * many wrong codes, or five minutes passed) starts the sign-in again with a word why. */

import { useState, type FormEvent } from "react";
import { Link, Navigate, useNavigate, useSearchParams } from "react-router";

import { api, ApiError, messageOf } from "../api/client";
import type { MessageOut, Profile } from "../api/types";
import { Alert, Loading, Page, SubmitButton, TextField } from "../components/ui";
import { afterSignIn } from "../session/returnTo";
import { SESSION_ENDED_NOTICE, useSession } from "../session/session";

export function SignInPage() {
  const session = useSession();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const next = params.get("next");
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [unconfirmed, setUnconfirmed] = useState(false);
  const [resent, setResent] = useState<string | null>(null);
  // Staff's second step: the challenge of the right password, the code, which kind of code.
  const [mfaToken, setMfaToken] = useState<string | null>(null);
  const [code, setCode] = useState("");
  const [recovery, setRecovery] = useState(false);

  if (session.status === "loading") return <Loading />;
  if (session.status === "signed-in" && !busy) return <Navigate to={afterSignIn(next, session.profile)} replace />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!email.trim()) missing.email = "Укажите адрес электронной почты";
    if (!password) missing.password = "Укажите пароль";
    setFields(missing);
    setResent(null);
    if (Object.keys(missing).length > 0) {
      setError("Заполните адрес электронной почты и пароль");
      return;
    }
    setBusy(true);
    setError(null);
    setUnconfirmed(false);
    try {
      const answer = await session.signIn(email.trim(), password);
      if ("mfa_required" in answer) {
        setMfaToken(answer.mfa_token);
        setCode("");
        setRecovery(false);
        setPassword("");
        return;
      }
      navigate(afterSignIn(next, answer as Profile), { replace: true });
    } catch (caught) {
      setError(messageOf(caught));
      if (caught instanceof ApiError) {
        setFields(caught.fields);
        setUnconfirmed(caught.code === "email_not_confirmed");
      }
    } finally {
      setBusy(false);
    }
  }

  async function submitCode(event: FormEvent) {
    event.preventDefault();
    setResent(null);
    if (!mfaToken) return;
    if (!code.trim()) {
      const missing = recovery ? "Укажите резервный код" : "Укажите код из приложения";
      setFields({ code: missing });
      setError(missing);
      return;
    }
    setBusy(true);
    setError(null);
    setFields({});
    try {
      const me = await session.completeSignIn(mfaToken, code.trim());
      navigate(afterSignIn(next, me), { replace: true });
    } catch (caught) {
      setError(messageOf(caught));
      setCode("");
      if (caught instanceof ApiError && caught.code === "invalid_mfa_token") setMfaToken(null);
    } finally {
      setBusy(false);
    }
  }

  function restart() {
    setMfaToken(null);
    setCode("");
    setError(null);
    setFields({});
  }

  async function resend() {
    try {
      const answer = await api.post<MessageOut | null>("/auth/email/resend", { email: email.trim() });
      setResent(answer?.message ?? "Письмо для подтверждения отправлено повторно");
    } catch (caught) {
      setError(messageOf(caught));
    }
  }

  return (
    <Page title="Авторизация" className="page-auth">
      <div className="auth-grid">
        <section className="card auth-card" aria-labelledby="signin-heading">
          <h2 id="signin-heading" className="card-title">
            {mfaToken ? "Подтверждение входа" : "Вход в личный кабинет"}
          </h2>
          {session.expired ? <Alert kind="info">{SESSION_ENDED_NOTICE}</Alert> : null}
          <div role="alert" className="live-slot">
            {error ? <div className="alert alert-error"><p>{error}</p></div> : null}
          </div>
          <div role="status" className="live-slot">
            {resent ? <div className="alert alert-success"><p>{resent}</p></div> : null}
          </div>
          {unconfirmed ? (
            <p>
              <button type="button" className="button button-link" onClick={resend}>
                Отправить письмо для подтверждения еще раз
              </button>
            </p>
          ) : null}
          {mfaToken ? (
            <form onSubmit={submitCode} noValidate className="form">
              <p>
                {recovery
                  ? "Введите один из резервных кодов, сохраненных при подключении входа. Каждый код действует один раз."
                  : "Откройте приложение-аутентификатор и введите шестизначный код для личного кабинета."}
              </p>
              <TextField
                key={recovery ? "recovery" : "app"}
                label={recovery ? "Резервный код" : "Код из приложения"}
                inputMode={recovery ? "text" : "numeric"}
                autoComplete="one-time-code"
                autoCapitalize="off"
                spellCheck={false}
                maxLength={recovery ? 64 : 6}
                value={code}
                onChange={setCode}
                error={fields.code}
                required
                autoFocus
              />
              <div className="form-actions">
                <SubmitButton busy={busy} busyText="Проверка…">
                  Войти
                </SubmitButton>
                <button
                  type="button"
                  className="button button-link"
                  onClick={() => {
                    setRecovery((v) => !v);
                    setCode("");
                    setFields({});
                  }}
                >
                  {recovery ? "Использовать код из приложения" : "Использовать резервный код"}
                </button>
              </div>
              <p>
                <button type="button" className="button button-link" onClick={restart}>
                  Начать вход заново
                </button>
              </p>
            </form>
          ) : (
            <form onSubmit={submit} noValidate className="form">
              <TextField
                label="Адрес электронной почты"
                type="email"
                autoComplete="username"
                inputMode="email"
                value={email}
                onChange={setEmail}
                error={fields.email}
                required
              />
              <TextField
                label="Пароль"
                type="password"
                autoComplete="current-password"
                value={password}
                onChange={setPassword}
                error={fields.password}
                required
              />
              <div className="form-actions">
                <SubmitButton busy={busy} busyText="Вход…">
                  Войти
                </SubmitButton>
                <Link to="/password/forgot" className="link">
                  Забыли пароль?
                </Link>
              </div>
            </form>
          )}
          <p className="auth-register">
            Нет учетной записи? <Link to="/register">Регистрация</Link>
          </p>
        </section>
        <aside className="auth-side" aria-label="Без входа в кабинет">
          <div className="card card-accent">
            <h2 className="card-title">Передать показания без регистрации</h2>
            <p>Укажите номер лицевого счета и заводской номер счетчика — и передайте текущие показания.</p>
            <Link to="/readings/public" className="button button-secondary">
              Внести показания без регистрации
            </Link>
          </div>
          <div className="card">
            <h2 className="card-title">Вопросы и предложения</h2>
            <p>Напишите нам о работе личного кабинета.</p>
            <Link to="/feedback" className="link">
              Обратная связь
            </Link>
          </div>
        </aside>
      </div>
    </Page>
  );
}
