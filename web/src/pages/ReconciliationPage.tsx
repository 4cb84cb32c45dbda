/**
 * «Сверка с банком» (docs/contract.md §4 "Reconciliation"): the staff pick a day, start the
 * comparison of our payments with the bank's registry (it runs on after the answer; the page
 * asks every 1.5 s while it runs), and read its totals and differences, each with its payment's
 * story; the findings also come as CSV, downloaded through the cookie session.
 */

import { useEffect, useState, type FormEvent } from "react";
import { Link, useSearchParams } from "react-router";

import { ApiError, api, messageOf, requestFile } from "../api/client";
import type { Reconciliation } from "../api/finance";
import { save } from "../components/BillPdf";
import { Alert, LiveMessage, Loading, Page, SubmitButton, TextField } from "../components/ui";
import { dispositionFilename } from "../lib/bills";
import { DISCREPANCY_KIND, RECONCILIATION_STATUS, RESOLUTION, formatDay, localToday, reconciliationFilename } from "../lib/finance";
import { formatDateTime, plural } from "../lib/format";
import { formatMoney } from "../lib/money";
import { FinanceTabs, PAYMENTS_PATH } from "./FinanceTabs";

const POLL_MS = 1500;

/** The day before `today` ("2026-12-16" -> "2026-12-15"): the night's run is for it. */
export function dayBefore(today: string): string {
  const [year, month, day] = today.split("-").map(Number);
  const at = new Date(Date.UTC(year, month - 1, day - 1));
  return at.toISOString().slice(0, 10);
}

type Shown = { kind: "loading" } | { kind: "none" } | { kind: "found"; run: Reconciliation } | { kind: "error"; message: string };

export function ReconciliationPage() {
  const today = localToday();
  const [search, setSearch] = useSearchParams();
  const asked = /^\d{4}-\d{2}-\d{2}$/.test(search.get("date") ?? "") ? (search.get("date") as string) : dayBefore(today);
  const [day, setDay] = useState(asked);
  const [shown, setShown] = useState<Shown>({ kind: "loading" });
  const [starting, setStarting] = useState(false);
  const [startError, setStartError] = useState<string | null>(null);
  const [dayError, setDayError] = useState<string | undefined>(undefined);
  const [tick, setTick] = useState(0);

  // The stored result of the day asked for; again while it runs.
  useEffect(() => {
    let live = true;
    api
      .get<Reconciliation>(`/operator/reconciliations/${asked}`)
      .then((run) => live && setShown({ kind: "found", run }))
      .catch((caught) => {
        if (!live) return;
        if (caught instanceof ApiError && caught.status === 404) setShown({ kind: "none" });
        else setShown({ kind: "error", message: messageOf(caught) });
      });
    return () => {
      live = false;
    };
  }, [asked, tick]);

  const running = shown.kind === "found" && shown.run.status === "running";
  useEffect(() => {
    if (!running) return;
    const timer = setTimeout(() => setTick((n) => n + 1), POLL_MS);
    return () => clearTimeout(timer);
  }, [running, tick]);

  function valid(value: string): boolean {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) {
      setDayError("Укажите день сверки");
      return false;
    }
    if (value > today) {
      setDayError("Сверить можно только прошедший или текущий день");
      return false;
    }
    setDayError(undefined);
    return true;
  }

  function show(event: FormEvent) {
    event.preventDefault();
    if (!valid(day)) return;
    setStartError(null);
    if (day !== asked) {
      setShown({ kind: "loading" });
      setSearch({ date: day });
    } else {
      setTick((n) => n + 1);
    }
  }

  async function start() {
    if (!valid(day)) return;
    setStarting(true);
    setStartError(null);
    try {
      const run = await api.post<Reconciliation>("/operator/reconciliations", { date: day });
      if (day !== asked) setSearch({ date: day });
      setShown({ kind: "found", run });
    } catch (caught) {
      setStartError(messageOf(caught));
    } finally {
      setStarting(false);
    }
  }

  const run = shown.kind === "found" && shown.run.date === asked ? shown.run : null;
  return (
    <Page title="Сверка с банком" lead="Сравнение платежей портала с реестром банка за день: итоги и расхождения. Каждую ночь сверка выполняется за прошедший день сама.">
      <FinanceTabs />
      <form className="card form" onSubmit={show} noValidate aria-label="Сверка за день">
        <LiveMessage error={startError} />
        <div className="form-row">
          <TextField label="День сверки" type="date" value={day} onChange={setDay} max={today} error={dayError} fieldClassName="field-short" />
        </div>
        <div className="form-actions">
          <button type="button" className="button button-primary" onClick={() => void start()} disabled={starting || (running && run?.date === day)} aria-busy={starting || undefined}>
            {starting ? "Запуск…" : run?.date === day ? "Сверить заново" : "Запустить сверку"}
          </button>
          <SubmitButton busy={false} className="button-secondary">
            Показать результаты
          </SubmitButton>
        </div>
      </form>
      {shown.kind === "loading" ? <Loading /> : null}
      {shown.kind === "error" ? <Alert kind="error">{shown.message}</Alert> : null}
      {shown.kind === "none" ? <p className="card empty">Сверка за {formatDay(asked)} не проводилась.</p> : null}
      <div className="live-slot" role="status" aria-live="polite" aria-busy={running}>
        {run?.status === "running" ? (
          <div className="card result result-waiting">
            <div className="spinner" aria-hidden="true" />
            <div>
              <p className="result-title">Сверка за {formatDay(run.date)} выполняется…</p>
              <p className="muted">Портал получает реестр банка и сравнивает его с платежами. Можно уйти со страницы: сверка продолжится.</p>
              <div className="progress-bar" aria-hidden="true">
                <div className="progress-bar-fill" />
              </div>
            </div>
          </div>
        ) : null}
        {run?.status === "completed" ? <p className="visually-hidden">Сверка за {formatDay(run.date)} завершена</p> : null}
      </div>
      {run?.status === "failed" ? (
        <Alert kind="error" title={`Сверка за ${formatDay(run.date)} не удалась`}>
          <p>Реестр банка не получен или не разобран. Запустите сверку еще раз; если не поможет — сообщите администратору.</p>
        </Alert>
      ) : null}
      {run && run.status !== "running" ? <Result run={run} /> : null}
    </Page>
  );
}

function Result({ run }: { run: Reconciliation }) {
  const count = run.discrepancies.length;
  return (
    <>
      <section className="card section" aria-labelledby="reconciliation-totals">
        <div className="request-main">
          <h2 id="reconciliation-totals" className="card-title">
            Итоги за {formatDay(run.date)}
          </h2>
          <span className={`badge badge-${run.status === "completed" ? "succeeded" : "failed"}`}>{RECONCILIATION_STATUS[run.status]}</span>
        </div>
        <dl className="facts facts-list">
          <div>
            <dt>Итого по банку</dt>
            <dd>{run.bank_total !== null ? formatMoney(run.bank_total) : "—"}</dd>
          </div>
          <div>
            <dt>Итого у нас</dt>
            <dd>{run.our_total !== null ? formatMoney(run.our_total) : "—"}</dd>
          </div>
          <div>
            <dt>Совпало платежей</dt>
            <dd>{run.matched ?? "—"}</dd>
          </div>
          <div>
            <dt>Расхождений</dt>
            <dd>{count}</dd>
          </div>
          <div>
            <dt>Выполнена</dt>
            <dd>
              {run.finished_at ? formatDateTime(run.finished_at) : formatDateTime(run.started_at)} ({run.runs} {plural(run.runs, "запуск", "запуска", "запусков")})
            </dd>
          </div>
        </dl>
        {run.status === "completed" ? <CsvLink day={run.date} /> : null}
      </section>
      {run.status === "completed" ? (
        count === 0 ? (
          <p className="card empty">Расхождений нет: данные портала совпадают с реестром банка.</p>
        ) : (
          <div className="table-wrap card">
            <table className="table table-cards">
              <caption className="table-caption">Расхождения</caption>
              <thead>
                <tr>
                  <th scope="col">Вид</th>
                  <th scope="col">Заказ в банке</th>
                  <th scope="col" className="num">
                    В банке
                  </th>
                  <th scope="col" className="num">
                    У нас
                  </th>
                  <th scope="col">Решение</th>
                  <th scope="col">Платеж</th>
                </tr>
              </thead>
              <tbody>
                {run.discrepancies.map((d, index) => (
                  <tr key={`${d.acquirer_order_id ?? d.payment_id ?? ""}-${index}`}>
                    <td data-label="Вид">{DISCREPANCY_KIND[d.kind] ?? d.kind}</td>
                    <td data-label="Заказ в банке" className="break">
                      {d.acquirer_order_id ?? "—"}
                    </td>
                    <td data-label="В банке" className="num">
                      {d.bank_amount !== null ? formatMoney(d.bank_amount) : "—"}
                    </td>
                    <td data-label="У нас" className="num">
                      {d.our_amount !== null ? formatMoney(d.our_amount) : "—"}
                    </td>
                    <td data-label="Решение">
                      <span className={`badge ${d.resolution === "needs_review" ? "badge-review" : "badge-succeeded"}`}>{RESOLUTION[d.resolution] ?? d.resolution}</span>
                    </td>
                    <td data-label="Платеж">
                      {d.payment_id ? (
                        <Link to={`${PAYMENTS_PATH}/${d.payment_id}`} aria-label={`История платежа, заказ ${d.acquirer_order_id ?? d.payment_id}`}>
                          История платежа
                        </Link>
                      ) : (
                        "нет у нас"
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
    </>
  );
}

/** «Скачать CSV»: the day's findings through the cookie session, saved under the server's name. */
function CsvLink({ day }: { day: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = `/operator/reconciliations/${day}.csv`;

  async function download() {
    setBusy(true);
    setError(null);
    try {
      const { blob, disposition } = await requestFile(path, "text/csv");
      save(blob, dispositionFilename(disposition) ?? reconciliationFilename(day));
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <p className="card-actions">
      <a
        className="button button-secondary"
        href={`/api/v1${path}`}
        download={reconciliationFilename(day)}
        aria-busy={busy || undefined}
        onClick={(event) => {
          event.preventDefault();
          if (!busy) void download();
        }}
      >
        {busy ? "Загрузка…" : "Скачать CSV"}
      </a>
      {error ? (
        <span role="alert" className="field-error">
          {error}
        </span>
      ) : null}
    </p>
  );
}
