/** «Электронная квитанция вместо бумажной»: an account's switch (`GET`/`PUT /accounts/{id}/paperless`),
 * what it means, and the server's own words on each change. */

import { useId, useState } from "react";

import { api, messageOf } from "../api/client";
import type { Paperless } from "../api/types";
import { PAPERLESS_EXPLANATION } from "../lib/bills";
import { useLoad } from "../lib/hooks";
import { LiveMessage, Loading } from "./ui";

export function PaperlessSwitch({ accountId, accountNumber }: { accountId: string; accountNumber?: string }) {
  const state = useLoad(() => api.get<Paperless>(`/accounts/${accountId}/paperless`), [accountId]);
  const [enabled, setEnabled] = useState<boolean | null>(null);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const id = useId();
  const on = enabled ?? state.data?.enabled ?? false;

  async function change(wanted: boolean) {
    setBusy(true);
    setMessage(null);
    setError(null);
    try {
      const answer = await api.put<Paperless>(`/accounts/${accountId}/paperless`, { enabled: wanted });
      setEnabled(answer.enabled);
      setMessage(answer.message ?? (answer.enabled ? "Электронная квитанция подключена" : "Электронная квитанция отключена"));
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <section className="card section paperless" aria-labelledby={`${id}-title`}>
      <h2 id={`${id}-title`} className="card-title">
        Электронная квитанция
      </h2>
      {state.loading && !state.data ? <Loading lines={1} /> : null}
      {state.error ? <LiveMessage error={state.error} /> : null}
      {state.data ? (
        <>
          <div className="switch-row">
            <input
              id={`${id}-switch`}
              type="checkbox"
              role="switch"
              className="switch"
              checked={on}
              disabled={busy}
              aria-describedby={`${id}-explanation ${id}-state`}
              onChange={(event) => void change(event.target.checked)}
            />
            <label htmlFor={`${id}-switch`} className="switch-label">
              Электронная квитанция вместо бумажной
            </label>
          </div>
          <p id={`${id}-state`} className="switch-state">
            {on ? "Подключена" : "Не подключена"}
            {accountNumber ? <> по лицевому счету №&nbsp;{accountNumber}</> : null}
          </p>
          <p id={`${id}-explanation`} className="muted small">
            {PAPERLESS_EXPLANATION}
          </p>
          <LiveMessage success={message} error={error} />
        </>
      ) : null}
    </section>
  );
}
