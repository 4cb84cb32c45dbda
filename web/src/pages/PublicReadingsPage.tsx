/** Readings without an account in the cabinet: region, account number, meter serial, 1–3 zones. */

import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import { api, ApiError } from "../api/client";
import type { Submitted } from "../api/types";
import { Alert, LiveMessage, Page, SelectField, SubmitButton, TextField } from "../components/ui";
import { parseReading, publicReadingErrors } from "../lib/readings";
import { useRegions } from "../lib/regions";

const TITLES: Record<number, string[]> = {
  1: ["T1"],
  2: ["T1 день", "T2 ночь"],
  3: ["T1 пик", "T2 ночь", "T3 полупик"],
};
export const NOT_FOUND = "Счет или счетчик не найден. Проверьте регион, номер лицевого счета и заводской номер счетчика";

export function PublicReadingsPage() {
  const { regions, error: regionsError } = useRegions();
  const [region, setRegion] = useState("");
  const [number, setNumber] = useState("");
  const [serial, setSerial] = useState("");
  const [count, setCount] = useState(1);
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const zones = Array.from({ length: count }, (_, i) => `T${i + 1}`);

  async function submit(event: FormEvent) {
    event.preventDefault();
    setSuccess(null);
    const found: Record<string, string> = {};
    if (!region) found.region_code = "Выберите регион";
    if (!number.trim()) found.account_number = "Укажите номер лицевого счета";
    if (!serial.trim()) found.meter_serial = "Укажите заводской номер счетчика";
    const values: Record<string, number> = {};
    for (const zone of zones) {
      const parsed = parseReading(typed[zone] ?? "", zone);
      if ("error" in parsed) found[zone] = parsed.error;
      else values[zone] = parsed.value;
    }
    setErrors(found);
    if (Object.keys(found).length > 0) {
      setFormError("Проверьте правильность заполнения полей");
      return;
    }
    setFormError(null);
    setBusy(true);
    try {
      const answer = await api.post<Submitted>("/public/readings", {
        region_code: region,
        account_number: number.trim(),
        meter_serial: serial.trim(),
        values,
      });
      setSuccess(answer.message);
      setTyped({});
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 404) {
        setFormError(NOT_FOUND);
      } else {
        const mapped = publicReadingErrors(caught, zones);
        const rest: Record<string, string> = { ...mapped.zones };
        if (caught instanceof ApiError) {
          for (const key of ["region_code", "account_number", "meter_serial"]) if (caught.fields[key]) rest[key] = caught.fields[key];
        }
        setErrors(rest);
        setFormError(mapped.form ?? (Object.keys(rest).length ? "Проверьте правильность заполнения полей" : null));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Page
      title="Передача показаний без регистрации"
      className="page-narrow"
      lead="Укажите лицевой счет и заводской номер счетчика (он напечатан на корпусе прибора учета) и передайте текущие показания."
    >
      <LiveMessage error={formError} success={success} />
      {regionsError ? <Alert kind="error">{regionsError}</Alert> : null}
      <form className="card form" onSubmit={submit} noValidate>
        <SelectField
          label="Регион"
          value={region}
          onChange={setRegion}
          placeholder="Выберите регион"
          options={regions.map((r) => ({ value: r.code, label: r.name }))}
          error={errors.region_code}
          required
        />
        <div className="form-row">
          <TextField label="Номер лицевого счета" inputMode="numeric" autoComplete="off" value={number} onChange={setNumber} error={errors.account_number} required />
          <TextField label="Заводской номер счетчика" autoComplete="off" value={serial} onChange={setSerial} error={errors.meter_serial} required />
        </div>
        <fieldset className="fieldset">
          <legend className="field-label">Количество тарифных зон</legend>
          <div className="choice">
            {[1, 2, 3].map((n) => (
              <label key={n} className="choice-item">
                <input type="radio" name="zone-count" value={n} checked={count === n} onChange={() => setCount(n)} />
                <span>{n === 1 ? "Одна (T1)" : n === 2 ? "Две (день, ночь)" : "Три (пик, ночь, полупик)"}</span>
              </label>
            ))}
          </div>
        </fieldset>
        <div className="zones">
          {zones.map((zone, i) => (
            <TextField
              key={`${count}-${zone}`}
              id={`public-${zone}`}
              label={TITLES[count][i]}
              inputMode="decimal"
              autoComplete="off"
              value={typed[zone] ?? ""}
              onChange={(value) => setTyped((t) => ({ ...t, [zone]: value }))}
              error={errors[zone]}
            />
          ))}
        </div>
        <div className="form-actions">
          <SubmitButton busy={busy}>Передать показания</SubmitButton>
          <Link to="/" className="link">
            Вход в личный кабинет
          </Link>
        </div>
      </form>
    </Page>
  );
}
