/**
 * Readings without an account in the cabinet, in two steps: region, account number and meter
 * serial first («Найти счетчик», `POST /public/readings/meter`), then exactly that meter's zones
 * by their names. Any mismatch is the one «not found» message, at either step; editing the
 * three fields after the meter was found hides its zones until it is looked up again.
 */

import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router";

import { api, ApiError } from "../api/client";
import type { PublicMeter, Submitted } from "../api/types";
import { Alert, LiveMessage, Page, SelectField, SubmitButton, TextField } from "../components/ui";
import { ACCOUNT_NUMBER_HINT } from "../lib/format";
import { publicReadingErrors, readingValues, zoneTitle } from "../lib/readings";
import { useRegions } from "../lib/regions";

export const NOT_FOUND = "Счет или счетчик не найден. Проверьте регион, номер лицевого счета и заводской номер счетчика";
const CHECK_FIELDS = "Проверьте правильность заполнения полей";
const WHO = ["region_code", "account_number", "meter_serial"] as const;

export function PublicReadingsPage() {
  const { regions, error: regionsError } = useRegions();
  const [region, setRegion] = useState("");
  const [number, setNumber] = useState("");
  const [serial, setSerial] = useState("");
  const [meter, setMeter] = useState<PublicMeter | null>(null);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  // The zones came: the first one takes the focus, where the person types next.
  useEffect(() => {
    if (meter) document.getElementById(`public-${meter.zones[0]}`)?.focus();
  }, [meter]);

  /** Another account or meter: the zones found for the old one no longer apply. */
  function edit(setter: (value: string) => void) {
    return (value: string) => {
      setter(value);
      if (meter) {
        setMeter(null);
        setTyped({});
        setSuccess(null);
      }
    };
  }

  function who(): Record<string, string> | null {
    const found: Record<string, string> = {};
    if (!region) found.region_code = "Выберите регион";
    if (!number.trim()) found.account_number = "Укажите номер лицевого счета";
    if (!serial.trim()) found.meter_serial = "Укажите заводской номер счетчика";
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setFormError(CHECK_FIELDS);
      return null;
    }
    return { region_code: region, account_number: number.trim(), meter_serial: serial.trim() };
  }

  /** A refusal of either step: the one «not found», the fields named by the API, or its words. */
  function refused(caught: unknown, zones: string[]) {
    if (caught instanceof ApiError && caught.status === 404) {
      setMeter(null);
      setErrors({});
      setFormError(NOT_FOUND);
      return;
    }
    const mapped = publicReadingErrors(caught, zones);
    const rest: Record<string, string> = { ...mapped.zones };
    if (caught instanceof ApiError) for (const key of WHO) if (caught.fields[key]) rest[key] = caught.fields[key];
    setErrors(rest);
    setFormError(mapped.form ?? (Object.keys(rest).length ? CHECK_FIELDS : null));
  }

  async function find() {
    const body = who();
    if (!body) return;
    setFormError(null);
    setBusy(true);
    try {
      setMeter(await api.post<PublicMeter>("/public/readings/meter", body));
      setTyped({});
    } catch (caught) {
      refused(caught, []);
    } finally {
      setBusy(false);
    }
  }

  async function send(found: PublicMeter) {
    const body = who();
    if (!body) return;
    const checked = readingValues(found, typed);
    if ("errors" in checked) {
      setErrors(checked.errors);
      setFormError(Object.keys(checked.errors).length > 1 ? "Проверьте показания" : null);
      return;
    }
    setFormError(null);
    setBusy(true);
    try {
      const answer = await api.post<Submitted>("/public/readings", { ...body, values: checked.values });
      setSuccess(answer.message);
      setTyped({});
    } catch (caught) {
      refused(caught, found.zones);
    } finally {
      setBusy(false);
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    setSuccess(null);
    void (meter ? send(meter) : find());
  }

  return (
    <Page
      title="Передача показаний без регистрации"
      className="page-narrow"
      lead="Укажите регион, номер лицевого счета и заводской номер счетчика (он напечатан на корпусе прибора учета) и нажмите «Найти счетчик»: появятся поля для показаний по каждой тарифной зоне этого счетчика."
    >
      <LiveMessage error={formError} success={success} />
      {regionsError ? <Alert kind="error">{regionsError}</Alert> : null}
      <form className="card form" onSubmit={submit} noValidate>
        <SelectField
          label="Регион"
          value={region}
          onChange={edit(setRegion)}
          placeholder="Выберите регион"
          options={regions.map((r) => ({ value: r.code, label: r.name }))}
          error={errors.region_code}
          required
        />
        <div className="form-row">
          <TextField label="Номер лицевого счета" inputMode="numeric" autoComplete="off" value={number} onChange={edit(setNumber)} error={errors.account_number} hint={ACCOUNT_NUMBER_HINT} required />
          <TextField label="Заводской номер счетчика" autoComplete="off" value={serial} onChange={edit(setSerial)} error={errors.meter_serial} required />
        </div>
        {meter ? (
          <fieldset className="fieldset">
            <legend className="field-label">Показания счетчика №&nbsp;{serial.trim()}</legend>
            <div className="zones">
              {meter.zones.map((zone) => (
                <TextField
                  key={zone}
                  id={`public-${zone}`}
                  label={zoneTitle(meter, zone)}
                  inputMode="decimal"
                  autoComplete="off"
                  value={typed[zone] ?? ""}
                  onChange={(value) => setTyped((t) => ({ ...t, [zone]: value }))}
                  error={errors[zone]}
                />
              ))}
            </div>
          </fieldset>
        ) : null}
        <div className="form-actions">
          <SubmitButton busy={busy} busyText={meter ? undefined : "Поиск счетчика…"}>
            {meter ? "Передать показания" : "Найти счетчик"}
          </SubmitButton>
          <Link to="/" className="link">
            Вход в личный кабинет
          </Link>
        </div>
      </form>
    </Page>
  );
}
