/** A meter's reading form: what a person typed, checked, and the API's refusals by zone. */

import { ApiError } from "../api/client";
import type { Meter } from "../api/types";
import { plural } from "./format";

/** "12 456,5" -> 12456.5, or an error sentence. */
export function parseReading(input: string, zone: string, digits?: number): { value: number } | { error: string } {
  const text = input.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  if (text === "") return { error: `Укажите показание ${zone}` };
  if (/^\d+\.\d{3,}$/.test(text)) return { error: `Показание ${zone}: не больше двух знаков после запятой` };
  if (!/^\d+(\.\d{1,2})?$/.test(text)) {
    return { error: text.startsWith("-") ? `Показание ${zone} не может быть отрицательным` : `Показание ${zone} должно быть числом` };
  }
  const value = Number(text);
  if (digits !== undefined && value >= 10 ** digits) {
    return { error: `Показание ${zone} длиннее, чем может показать счетчик (${digits} ${plural(digits, "цифра", "цифры", "цифр")} до запятой)` };
  }
  return { value };
}

export function zoneTitle(meter: Pick<Meter, "zones" | "zone_titles">, zone: string): string {
  const i = meter.zones.indexOf(zone);
  return meter.zone_titles?.[i] || zone;
}

/** Every zone's value, or the errors by zone (a meter of the cabinet, or the public form's lookup). */
export function readingValues(meter: Pick<Meter, "zones" | "digits">, typed: Record<string, string>): { values: Record<string, number> } | { errors: Record<string, string> } {
  const values: Record<string, number> = {};
  const errors: Record<string, string> = {};
  for (const zone of meter.zones) {
    const parsed = parseReading(typed[zone] ?? "", zone, meter.digits);
    if ("error" in parsed) errors[zone] = parsed.error;
    else values[zone] = parsed.value;
  }
  return Object.keys(errors).length > 0 ? { errors } : { values };
}

/**
 * The public form's one answer to a value below the last one or beyond a month's consumption, in
 * any zone (the readings service's `reading_not_accepted`): which zone and which way would give
 * a household's last reading away to anyone who knows the account number and the serial.
 */
export const NOT_ACCEPTED =
  "Показания не приняты. Сверьте их со счетчиком; если они верны, передайте их в личном кабинете или обратитесь в ГУП РК «Крымэнерго»";

// `reading_decreased` and `reading_implausible` too: the page says nothing about a zone's
// comparison even if an older API replica still named one during an update.
const COMPARED = new Set(["reading_not_accepted", "reading_decreased", "reading_implausible"]);

/** A refusal of the public form: a comparison with the last reading is the form's one message, never a zone's. */
export function publicReadingErrors(error: unknown, zones: string[]): { zones: Record<string, string>; form: string | null } {
  if (error instanceof ApiError && COMPARED.has(error.code)) return { zones: {}, form: NOT_ACCEPTED };
  return readingErrors(error, zones);
}

/**
 * A refused reading as messages next to its zones (`values.T1` -> T1) and one for the form
 * (`zones_mismatch` on `values`, `duplicate_reading`, anything else).
 */
export function readingErrors(error: unknown, zones: string[]): { zones: Record<string, string>; form: string | null } {
  if (!(error instanceof ApiError)) return { zones: {}, form: "Сервис временно недоступен, попробуйте позже" };
  const byZone: Record<string, string> = {};
  const rest: string[] = [];
  for (const [field, message] of Object.entries(error.fields)) {
    const zone = field.startsWith("values.") ? field.slice("values.".length) : null;
    if (zone && zones.includes(zone)) byZone[zone] = message;
    else if (message !== error.detail) rest.push(message);
  }
  if (Object.keys(byZone).length > 0 && rest.length === 0) {
    return { zones: byZone, form: Object.keys(byZone).length === 1 ? null : "Проверьте показания" };
  }
  return { zones: byZone, form: [error.detail, ...rest].join(". ") };
}
