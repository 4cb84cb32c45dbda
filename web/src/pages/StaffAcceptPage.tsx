/** «Приглашение сотрудника» (`/staff/accept?token=…`, the link of a supervisor's invitation, or of
 * the letter a reset of the second factor sends): the password twice, then, once, the QR code of
 * the authenticator app's enrolment URI, the key as text, and the ten recovery codes with a
 * warning to save them; then «Войти».
 *
 * The QR code is identity's SVG shown as an image (`data:` images are allowed by the page's CSP;
 * an SVG in `<img>` runs no script). Nothing of the enrolment is kept: a reload shows the form
 * again, and the spent link then says it no longer works. */

import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { api } from "../api/client";
import type { Enrolment } from "../api/types";
import { Alert, LiveMessage, Page, SubmitButton, TextField } from "../components/ui";
import { useSubmit } from "../lib/hooks";
import { qrImageSource } from "../lib/qr";

const TITLE = "Приглашение сотрудника";

/** The key an app also takes typed in: the URI's `secret`, in groups of four. */
export function secretOf(uri: string): string {
  try {
    const secret = new URL(uri).searchParams.get("secret") ?? "";
    return secret.replace(/(.{4})(?=.)/g, "$1 ");
  } catch {
    return "";
  }
}

export { qrImageSource };

export function StaffAcceptPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [password, setPassword] = useState("");
  const [confirm, setConfirm] = useState("");
  const [enrolment, setEnrolment] = useState<Enrolment | null>(null);
  const submission = useSubmit(["password", "password_confirm"]);

  if (!token) {
    return (
      <Page title={TITLE} className="page-narrow">
        <Alert kind="error">Ссылка недействительна. Откройте ссылку из письма-приглашения целиком.</Alert>
      </Page>
    );
  }
  if (enrolment) return <EnrolmentShown enrolment={enrolment} />;

  async function submit(event: FormEvent) {
    event.preventDefault();
    const missing: Record<string, string> = {};
    if (!password) missing.password = "Придумайте пароль";
    if (!confirm) missing.password_confirm = "Повторите пароль";
    else if (password && password !== confirm) missing.password_confirm = "Пароли не совпадают";
    if (Object.keys(missing).length > 0) {
      submission.fail("Проверьте правильность заполнения полей", missing);
      return;
    }
    const answer = await submission.run(() =>
      api.post<Enrolment>("/staff/invitations/accept", { token, password, password_confirm: confirm }, { refresh: false }),
    );
    if (answer) setEnrolment(answer);
  }

  return (
    <Page
      title={TITLE}
      className="page-narrow"
      lead="Придумайте пароль для входа в личный кабинет. Затем подключите приложение-аутентификатор: код из него нужен при каждом входе."
    >
      <LiveMessage error={submission.error} />
      <form className="card form" onSubmit={submit} noValidate>
        <TextField
          label="Пароль"
          type="password"
          autoComplete="new-password"
          value={password}
          onChange={setPassword}
          error={submission.fields.password}
          hint="Не менее 8 символов. Не используйте распространенные пароли и адрес почты."
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
          <SubmitButton busy={submission.busy} busyText="Сохранение…">
            Задать пароль
          </SubmitButton>
        </div>
      </form>
    </Page>
  );
}

function EnrolmentShown({ enrolment }: { enrolment: Enrolment }) {
  const secret = secretOf(enrolment.otpauth_uri);
  return (
    <Page title="Подключение приложения-аутентификатора" className="page-narrow">
      <Alert kind="success">{enrolment.message}</Alert>
      <section className="card enrolment" aria-labelledby="enrolment-app">
        <h2 id="enrolment-app" className="card-title">
          1. Добавьте ключ в приложение
        </h2>
        <p>
          Отсканируйте QR-код приложением-аутентификатором (например, Яндекс Ключ или Google Authenticator) или введите ключ
          вручную.
        </p>
        <img className="enrolment-qr" src={qrImageSource(enrolment.qr_svg)} alt="QR-код для приложения-аутентификатора" width={240} height={240} />
        {secret ? (
          <p>
            Ключ: <code className="enrolment-secret">{secret}</code>
          </p>
        ) : null}
        <details>
          <summary>Ссылка для приложения</summary>
          <p className="enrolment-uri">
            <code>{enrolment.otpauth_uri}</code>
          </p>
        </details>
      </section>
      <section className="card enrolment" aria-labelledby="enrolment-codes">
        <h2 id="enrolment-codes" className="card-title">
          2. Сохраните резервные коды
        </h2>
        <Alert kind="warning" title="Коды показываются один раз">
          <p>
            Запишите или распечатайте их и храните отдельно от телефона. Каждый код позволяет войти один раз без приложения —
            например, если телефон потерян.
          </p>
        </Alert>
        <ol className="recovery-codes" aria-label="Резервные коды">
          {enrolment.recovery_codes.map((code) => (
            <li key={code}>
              <code>{code}</code>
            </li>
          ))}
        </ol>
      </section>
      <p>
        <Link to="/" className="button button-primary">
          Войти
        </Link>
      </p>
    </Page>
  );
}
