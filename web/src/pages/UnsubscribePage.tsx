/** The link in a letter that can be turned off (`/unsubscribe?token=…`): which letters it stops,
 * and «Отписаться». Opening the page changes nothing — mail scanners open every link in a letter —
 * so it only asks (`GET /public/unsubscribe`, which turns nothing off) and sends the POST when the
 * person presses the button. Mail clients that unsubscribe by themselves POST to the API directly
 * (the letter's `List-Unsubscribe` header), not through this page. */

import { useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { api } from "../api/client";
import type { MessageOut, UnsubscribeLink } from "../api/types";
import { Alert, LiveMessage, Loading, Page, SubmitButton } from "../components/ui";
import { useLoad, useSubmit } from "../lib/hooks";

/** identity's own sentence for a link that is not one of its (said here when there is no token at all). */
const INVALID = "Ссылка для отказа от писем недействительна. Выбрать письма можно в настройках уведомлений личного кабинета";

function ToSettings() {
  return (
    <Link to="/profile" className="link">
      Профиле → Уведомления
    </Link>
  );
}

export function UnsubscribePage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const link = useLoad(token ? () => api.get<UnsubscribeLink>(`/public/unsubscribe?token=${encodeURIComponent(token)}`) : null, [token]);
  const submission = useSubmit([]);
  const [done, setDone] = useState(false);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const answer = await submission.run(() => api.post<MessageOut>(`/public/unsubscribe?token=${encodeURIComponent(token)}`), () => null);
    if (answer) setDone(true);
  }

  const failure = token ? link.error : INVALID;
  return (
    <Page title="Отказ от писем" className="page-narrow">
      {link.loading ? <Loading label="Проверяем ссылку…" lines={2} /> : null}
      {failure ? (
        <div className="card">
          <Alert kind="error">{failure}</Alert>
          <p>
            Выбрать, какие письма присылать, можно в <ToSettings />.
          </p>
        </div>
      ) : null}
      {/* A live region present before the answer, so the outcome is announced when it appears. */}
      <div role="status" className="live-slot">
        {link.data && done ? (
          <div className="alert alert-success">
            <p>
              Готово: {link.data.letters} больше не будут приходить. Включить снова можно в <ToSettings />.
            </p>
          </div>
        ) : null}
      </div>
      {link.data && !done ? (
        <form className="card form" onSubmit={submit} noValidate>
          <p>
            Отказаться от писем: <strong>{link.data.letters}</strong>?
          </p>
          <p className="muted">
            Обязательные письма (подтверждения, смена пароля, решения по заявкам) продолжат приходить. Включить эти письма снова можно в
            настройках уведомлений личного кабинета.
          </p>
          <LiveMessage error={submission.error} />
          <SubmitButton busy={submission.busy} busyText="Отписываем…">
            Отписаться
          </SubmitButton>
        </form>
      ) : null}
    </Page>
  );
}
