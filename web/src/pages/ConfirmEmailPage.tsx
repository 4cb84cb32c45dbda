/** The link of the confirmation letter: `POST /auth/email/confirm {token}` once, then the outcome. */

import { useEffect, useRef, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { api, messageOf } from "../api/client";
import type { MessageOut } from "../api/types";
import { Alert, LiveMessage, Loading, Page, SubmitButton, TextField } from "../components/ui";
import { useSubmit } from "../lib/hooks";

const INVALID = "Ссылка недействительна или устарела. Запросите новую";

export function ConfirmEmailPage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const [state, setState] = useState<"working" | "done" | "failed">(token ? "working" : "failed");
  const [message, setMessage] = useState<string>(token ? "" : INVALID);
  const asked = useRef(false);

  useEffect(() => {
    if (!token || asked.current) return;
    asked.current = true; // single-use token: never twice, even when React runs effects twice
    api
      .post<MessageOut>("/auth/email/confirm", { token })
      .then((answer) => {
        setMessage(answer?.message ?? "Адрес электронной почты подтвержден");
        setState("done");
      })
      .catch((caught) => {
        setMessage(messageOf(caught));
        setState("failed");
      });
  }, [token]);

  return (
    <Page title="Подтверждение адреса электронной почты" className="page-narrow">
      {state === "working" ? <Loading label="Подтверждаем адрес…" /> : null}
      {state === "done" ? (
        <div className="card">
          <Alert kind="success">{message}</Alert>
          <Link to="/" className="button button-primary">
            Войти в личный кабинет
          </Link>
        </div>
      ) : null}
      {state === "failed" ? (
        <div className="card">
          <Alert kind="error">{message}</Alert>
          <ResendForm />
        </div>
      ) : null}
    </Page>
  );
}

function ResendForm() {
  const [email, setEmail] = useState("");
  const submission = useSubmit(["email"]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!email.trim()) {
      submission.fail(null, { email: "Укажите адрес электронной почты" });
      return;
    }
    await submission.run(
      () => api.post<MessageOut | null>("/auth/email/resend", { email: email.trim() }),
      (answer) => answer?.message ?? "Если адрес зарегистрирован и еще не подтвержден, на него будет направлено письмо для подтверждения",
    );
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <h2 className="card-title">Отправить письмо еще раз</h2>
      <LiveMessage error={submission.error} success={submission.success} />
      <TextField label="Адрес электронной почты" type="email" autoComplete="email" value={email} onChange={setEmail} error={submission.fields.email} />
      <SubmitButton busy={submission.busy}>Отправить письмо</SubmitButton>
    </form>
  );
}
