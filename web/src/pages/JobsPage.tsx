/**
 * «Плановые задания»: a supervisor sees the scheduler's runs in every service that schedules
 * work — autopayments, the reconciliation with the bank, the reminders — newest first, and who
 * runs each job now (GET /operator/jobs, docs/contract.md §4 "Reminders"). A service that did
 * not answer is named: its runs are missing until the page is loaded again. Operators do not see
 * the page in the menu, and are told so if they open it (the API refuses them too).
 */

import { useState } from "react";

import { api, messageOf } from "../api/client";
import type { JobLease, JobRun, JobsOverview } from "../api/types";
import { Alert, Loading, Page } from "../components/ui";
import { formatDate, formatDateTime } from "../lib/format";
import { useLoad } from "../lib/hooks";
import { isSupervisor } from "../session/roles";
import { useSession } from "../session/session";

export const JOBS_PATH = "/operator/jobs";
const PAGE_SIZE = 50;
/** The gateway merges at most this deep (its `offset` ends at 1000). */
const DEEPEST_OFFSET = 1000;

/** What each job does, for a person; a job not listed shows as recorded. */
export const JOB_NAMES: Record<string, string> = {
  "payments.autopay": "Автоплатежи",
  "payments.reconciliation": "Сверка с банком",
  "readings.reading_window": "Напоминание о передаче показаний",
  "readings.verification_due": "Напоминание о поверке счетчика",
  "accounts.debt": "Напоминание о задолженности",
};

export const RUN_STATUS: Record<JobRun["status"], string> = {
  running: "Выполняется",
  finished: "Завершен",
  failed: "Ошибка",
  interrupted: "Прерван",
};

// The badges' colours of the other staff pages: green done, red failed, blue under way, amber cut short.
const STATUS_BADGE: Record<JobRun["status"], string> = {
  running: "badge-sent",
  finished: "badge-succeeded",
  failed: "badge-failed",
  interrupted: "badge-review",
};

const SERVICES: Record<string, string> = {
  payments: "Платежи",
  readings: "Показания",
  accounts: "Лицевые счета",
};

function serviceName(service: string): string {
  return SERVICES[service] ?? service;
}

function jobName(job: string): string {
  return JOB_NAMES[job] ?? job;
}

/** «Не ответила служба «Платежи»» / «Не ответили службы «Платежи», «Показания»». */
export function unavailableText(services: string[]): string {
  const names = services.map((service) => `«${serviceName(service)}»`).join(", ");
  return services.length === 1
    ? `Не ответила служба ${names}: ее запусков и заданий здесь нет. Обновите страницу позже.`
    : `Не ответили службы ${names}: их запусков и заданий здесь нет. Обновите страницу позже.`;
}

export function jobsQuery(offset: number): string {
  return offset ? `${JOBS_PATH}?limit=${PAGE_SIZE}&offset=${offset}` : `${JOBS_PATH}?limit=${PAGE_SIZE}`;
}

export function JobsPage() {
  const session = useSession();
  if (!isSupervisor(session.profile)) {
    return (
      <Page title="Плановые задания">
        <p>Плановые задания доступны только старшим операторам.</p>
      </Page>
    );
  }
  return <JobsList />;
}

function JobsList() {
  const first = useLoad(() => api.get<JobsOverview>(jobsQuery(0)), []);
  // «Показать еще»: the next pages, appended; a run already shown (the merge moved) is not repeated.
  const [more, setMore] = useState<JobsOverview[]>([]);
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<string | null>(null);

  const pages = first.data ? [first.data, ...more] : [];
  const seen = new Set<string>();
  const runs = pages.flatMap((page) => page.runs).filter((run) => {
    const key = `${run.service}-${run.id}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const unavailable = [...new Set(pages.flatMap((page) => page.unavailable))];
  const last = pages[pages.length - 1];
  const nextOffset = PAGE_SIZE * pages.length;
  const hasMore = last !== undefined && last.runs.length === PAGE_SIZE && nextOffset <= DEEPEST_OFFSET;

  async function showMore() {
    setLoadingMore(true);
    setMoreError(null);
    try {
      const page = await api.get<JobsOverview>(jobsQuery(nextOffset));
      setMore((current) => [...current, page]);
    } catch (caught) {
      setMoreError(messageOf(caught));
    } finally {
      setLoadingMore(false);
    }
  }

  return (
    <Page title="Плановые задания" lead="Автоплатежи, сверка с банком и напоминания во всех службах портала: запуски, новые сверху.">
      {first.loading && !first.data ? <Loading /> : null}
      {first.error ? <Alert kind="error">{first.error}</Alert> : null}
      {unavailable.length > 0 ? <Alert kind="warning">{unavailableText(unavailable)}</Alert> : null}
      {first.data ? <Leases jobs={first.data.jobs} /> : null}
      {first.data && runs.length === 0 ? <p className="card empty">Запусков пока не было.</p> : null}
      {runs.length > 0 ? <Runs runs={runs} /> : null}
      {moreError ? <Alert kind="error">{moreError}</Alert> : null}
      {hasMore ? (
        <div className="form-actions">
          <button type="button" className="button button-ghost" disabled={loadingMore} onClick={() => void showMore()}>
            {loadingMore ? "Загрузка…" : "Показать еще"}
          </button>
        </div>
      ) : null}
    </Page>
  );
}

function Leases({ jobs }: { jobs: JobLease[] }) {
  if (jobs.length === 0) return null;
  return (
    <div className="table-wrap card">
      <table className="table table-cards">
        <caption className="table-caption">Задания сейчас</caption>
        <thead>
          <tr>
            <th scope="col">Задание</th>
            <th scope="col">Служба</th>
            <th scope="col">Сейчас</th>
          </tr>
        </thead>
        <tbody>
          {jobs.map((job) => (
            <tr key={`${job.service}-${job.job}`}>
              <td data-label="Задание">{jobName(job.job)}</td>
              <td data-label="Служба">{serviceName(job.service)}</td>
              <td data-label="Сейчас">
                {job.runner && job.lease_until ? (
                  <>
                    Выполняется до {formatDateTime(job.lease_until)}
                    <br />
                    <span className="small muted">{job.runner}</span>
                  </>
                ) : (
                  "Не выполняется"
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function Runs({ runs }: { runs: JobRun[] }) {
  return (
    <div className="table-wrap card">
      <table className="table table-cards">
        <caption className="table-caption">Запуски заданий</caption>
        <thead>
          <tr>
            <th scope="col">Задание</th>
            <th scope="col">Расчетный день</th>
            <th scope="col">Состояние</th>
            <th scope="col">Начало</th>
            <th scope="col">Окончание</th>
            <th scope="col">Пакеты, позиции, сбои</th>
            <th scope="col">Ошибка</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={`${run.service}-${run.id}`}>
              <td data-label="Задание">
                {jobName(run.job)}
                <br />
                <span className="small muted">{serviceName(run.service)}</span>
              </td>
              <td data-label="Расчетный день">{formatDate(run.business_date)}</td>
              <td data-label="Состояние">
                <span className={`badge ${STATUS_BADGE[run.status] ?? ""}`}>{RUN_STATUS[run.status] ?? run.status}</span>
              </td>
              <td data-label="Начало">{formatDateTime(run.started_at)}</td>
              <td data-label="Окончание">{run.finished_at ? formatDateTime(run.finished_at) : "—"}</td>
              <td data-label="Пакеты, позиции, сбои">
                {run.batches} / {run.items} / {run.failures}
              </td>
              <td data-label="Ошибка">{run.error ? <span className="status-reason">{run.error}</span> : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
