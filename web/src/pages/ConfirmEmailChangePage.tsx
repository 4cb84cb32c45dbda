/** The link of the letter to a new address (`/confirm-email-change?token=…`): signed in as the
 * profile that asked for it (a private page: signed out, the visitor signs in first and comes
 * back here), `POST /profile/email/confirm {token}` once, then the outcome. On success the
 * session is renewed, so its token and the profile shown carry the new address at once. */

import { useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";

import { api, messageOf, refreshSession } from "../api/client";
import type { MessageOut } from "../api/types";
import { Alert, Loading, Page } from "../components/ui";
import { useSession } from "../session/session";

const INVALID = "Ссылка недействительна или устарела. Запросите новую";

export function ConfirmEmailChangePage() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const { reload } = useSession();
  const [state, setState] = useState<"working" | "done" | "failed">(token ? "working" : "failed");
  const [message, setMessage] = useState<string>(token ? "" : INVALID);
  const asked = useRef(false);

  useEffect(() => {
    if (!token || asked.current) return;
    asked.current = true; // single-use token: never twice, even when React runs effects twice
    api
      .post<MessageOut>("/profile/email/confirm", { token })
      .then(async (answer) => {
        setMessage(answer?.message ?? "Адрес электронной почты изменен");
        setState("done");
        await refreshSession();
        await reload();
      })
      .catch((caught) => {
        setMessage(messageOf(caught));
        setState("failed");
      });
  }, [token, reload]);

  return (
    <Page title="Смена адреса электронной почты" className="page-narrow">
      {state === "working" ? <Loading label="Меняем адрес…" /> : null}
      {state !== "working" ? (
        <div className="card">
          <Alert kind={state === "done" ? "success" : "error"}>{message}</Alert>
          <Link to="/profile" className="button button-primary">
            Перейти в профиль
          </Link>
        </div>
      ) : null}
    </Page>
  );
}
