/** «Показания»: per account and meter, one input per zone; history with statuses; consumption chart. */

import { useEffect, useMemo, useState, type FormEvent } from "react";

import { api, ApiError } from "../api/client";
import type { ConsumptionItem, Meter, Reading, Submitted } from "../api/types";
import { AccountPicker, useAccountChoice } from "../components/AccountPicker";
import { ConsumptionChart } from "../components/ConsumptionChart";
import { MeterIcon } from "../components/icons";
import { Alert, LiveMessage, Loading, Page, ProcessingNote, SubmitButton, TextField } from "../components/ui";
import { ESTIMATE_NOTE, estimateSentence } from "../lib/bills";
import { consumptionByMeter } from "../lib/chart";
import { formatDate, formatDateTime, formatKwh, periodName, plural, READING_STATUS } from "../lib/format";
import { useLoad } from "../lib/hooks";
import { formatMoney } from "../lib/money";
import { readingErrors, readingValues, zoneTitle } from "../lib/readings";

/** A just-linked account reaches the readings service a moment later: its 404 is waited out. */
async function metersOf(accountId: string, attempts = 8, pauseMs = 1500): Promise<Meter[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await api.get<Meter[]>(`/accounts/${accountId}/meters`);
    } catch (error) {
      if (!(error instanceof ApiError && error.status === 404) || attempt >= attempts) throw error;
      await new Promise((resolve) => setTimeout(resolve, pauseMs));
    }
  }
}

export function ReadingsPage() {
  const choice = useAccountChoice();
  const account = choice.chosen;
  return (
    <Page title="Показания" lead="Передайте текущие показания приборов учета по каждому лицевому счету. Показания принимаются ежедневно.">
      <AccountPicker choice={choice} />
      {account ? <AccountReadings key={account.id} accountId={account.id} /> : null}
    </Page>
  );
}

function AccountReadings({ accountId }: { accountId: string }) {
  const meters = useLoad(() => metersOf(accountId), [accountId]);
  // Asked once the meters came: until then the readings service may not know the account yet.
  const ready = meters.data !== undefined;
  const history = useLoad(ready ? () => api.get<Reading[]>(`/accounts/${accountId}/readings`) : null, [accountId, ready]);
  const consumption = useLoad(ready ? () => api.get<ConsumptionItem[]>(`/accounts/${accountId}/consumption`) : null, [accountId, ready]);
  const list = meters.data ?? [];
  const serials = useMemo(() => new Map(list.map((m) => [m.id, m.serial_number])), [list]);

  return (
    <>
      <section className="section" aria-labelledby="meters-title" aria-busy={meters.loading || undefined}>
        <h2 id="meters-title" className="section-title">
          Приборы учета
        </h2>
        {meters.loading && !meters.data ? <Loading label="Загрузка приборов учета…" /> : null}
        {meters.error ? <Alert kind="error">{meters.error}</Alert> : null}
        {!meters.loading && !meters.error && list.length === 0 ? <p className="card empty">По этому счету нет приборов учета.</p> : null}
        <div className="meter-grid">
          {list.map((meter) => (
            <MeterForm key={meter.id} accountId={accountId} meter={meter} onSubmitted={() => void Promise.all([history.reload(), consumption.reload()])} />
          ))}
        </div>
      </section>

      <section className="section" aria-labelledby="readings-history-title" aria-busy={history.loading || undefined}>
        <h2 id="readings-history-title" className="section-title">
          Переданные показания
        </h2>
        <ProcessingNote />
        {(history.loading || !ready) && !history.data && !meters.error ? <Loading /> : null}
        {history.error ? <Alert kind="error">{history.error}</Alert> : null}
        {history.data && history.data.length === 0 ? <p className="card empty">Показания по этому счету еще не передавались.</p> : null}
        {history.data && history.data.length > 0 ? (
          <div className="table-wrap">
            <table className="table table-cards">
              <caption className="visually-hidden">Переданные показания, новые сверху</caption>
              <thead>
                <tr>
                  <th scope="col">Дата</th>
                  <th scope="col">Счетчик</th>
                  <th scope="col">Показания</th>
                  <th scope="col">Учтены за</th>
                  <th scope="col">Статус</th>
                  <th scope="col" className="num">
                    Предварительный расчет
                  </th>
                </tr>
              </thead>
              <tbody>
                {history.data.map((reading) => (
                  <tr key={reading.id}>
                    <td data-label="Дата">{formatDateTime(reading.submitted_at)}</td>
                    <td data-label="Счетчик">{serials.get(reading.meter_id) ?? "—"}</td>
                    <td data-label="Показания">
                      {Object.entries(reading.values)
                        .sort(([a], [b]) => a.localeCompare(b))
                        .map(([zone, value]) => `${zone}: ${formatKwh(value)}`)
                        .join("; ")}
                    </td>
                    <td data-label="Учтены за">{periodName(reading.billing_period)}</td>
                    <td data-label="Статус">
                      <span className={`badge badge-${reading.status}`}>{READING_STATUS[reading.status] ?? reading.status}</span>
                      {reading.status_reason ? <span className="status-reason">{reading.status_reason}</span> : null}
                    </td>
                    <td data-label="Предварительный расчет" className="num">
                      {reading.estimate ? (
                        formatMoney(reading.estimate.amount)
                      ) : (
                        <>
                          <span aria-hidden="true">—</span>
                          <span className="visually-hidden">нет</span>
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {history.data?.some((reading) => reading.estimate) ? <p className="muted small">Предварительный расчет — {ESTIMATE_NOTE}.</p> : null}
      </section>

      <section className="section" aria-labelledby="consumption-title" aria-busy={consumption.loading || undefined}>
        <h2 id="consumption-title" className="section-title">
          Потребление по месяцам
        </h2>
        {(consumption.loading || !ready) && !consumption.data && !meters.error ? <Loading lines={4} /> : null}
        {consumption.error ? <Alert kind="error">{consumption.error}</Alert> : null}
        <Consumption items={consumption.data} meters={list} />
      </section>
    </>
  );
}

function Consumption({ items, meters }: { items: ConsumptionItem[] | undefined; meters: Meter[] }) {
  const series = useMemo(() => consumptionByMeter(items ?? []), [items]);
  if (!items) return null;
  if (series.length === 0) {
    return (
      <p className="card empty">
        Данных о потреблении пока нет: расход за месяц появится, когда будут известны показания за этот месяц и за предыдущий.
      </p>
    );
  }
  return (
    <div className="chart-list">
      {series.map((s) => {
        const meter = meters.find((m) => m.id === s.meterId);
        const titles: Record<string, string> = {};
        for (const zone of s.zones) titles[zone] = meter ? zoneTitle(meter, zone) : zone;
        return <ConsumptionChart key={s.meterId} series={s} zoneTitles={titles} title={`Счетчик ${meter?.serial_number ?? ""}: потребление, кВт·ч`} />;
      })}
    </div>
  );
}

export function MeterForm({ accountId, meter, onSubmitted }: { accountId: string; meter: Meter; onSubmitted?: () => void }) {
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [zoneErrors, setZoneErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const [estimate, setEstimate] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const titleId = `meter-${meter.id}`;

  useEffect(() => {
    setTyped({});
  }, [meter.id]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSuccess(null);
    setEstimate(null);
    const checked = readingValues(meter, typed);
    if ("errors" in checked) {
      setZoneErrors(checked.errors);
      setFormError(Object.keys(checked.errors).length > 1 ? "Проверьте показания" : null);
      return;
    }
    setZoneErrors({});
    setFormError(null);
    setBusy(true);
    try {
      const answer = await api.post<Submitted>(`/accounts/${accountId}/readings`, { meter_id: meter.id, values: checked.values });
      setSuccess(answer.message);
      setEstimate(estimateSentence(answer.estimate));
      setTyped({});
      onSubmitted?.();
    } catch (caught) {
      const mapped = readingErrors(caught, meter.zones);
      setZoneErrors(mapped.zones);
      setFormError(mapped.form);
    } finally {
      setBusy(false);
    }
  }

  const last = meter.last_reading;
  return (
    <article className="card meter" aria-labelledby={titleId}>
      <header className="meter-head">
        <span className="meter-icon">
          <MeterIcon />
        </span>
        <div>
          <h3 id={titleId} className="card-subtitle">
            Счетчик №&nbsp;{meter.serial_number}
          </h3>
          <p className="muted small">
            {meter.zones.length === 1 ? "Однотарифный" : meter.zones.length === 2 ? "Двухтарифный" : "Трехтарифный"}, {meter.digits} {plural(meter.digits, "цифра", "цифры", "цифр")} до запятой
          </p>
        </div>
      </header>
      <form className="form" onSubmit={submit} noValidate aria-labelledby={titleId}>
        <LiveMessage error={formError} success={success} info={estimate} />
        <div className="zones">
          {meter.zones.map((zone) => {
            const lastValue = last?.values[zone];
            return (
              <TextField
                key={zone}
                id={`reading-${meter.id}-${zone}`}
                label={zoneTitle(meter, zone)}
                inputMode="decimal"
                autoComplete="off"
                value={typed[zone] ?? ""}
                onChange={(value) => setTyped((t) => ({ ...t, [zone]: value }))}
                error={zoneErrors[zone]}
                hint={lastValue !== undefined && last ? `Предыдущее: ${formatKwh(lastValue)} (${formatDate(last.date)})` : "Предыдущих показаний нет"}
                data-zone={zone}
              />
            );
          })}
        </div>
        <SubmitButton busy={busy}>Передать показания</SubmitButton>
      </form>
    </article>
  );
}
