/** Dates, numbers and statuses as a subscriber reads them (Europe/Simferopol, Russian). */

import type { CardBrand, PaymentStatus, ReadingStatus, RequestStatus } from "../api/types";

export const TIME_ZONE = "Europe/Simferopol";

const MONTHS = [
  "январь",
  "февраль",
  "март",
  "апрель",
  "май",
  "июнь",
  "июль",
  "август",
  "сентябрь",
  "октябрь",
  "ноябрь",
  "декабрь",
];
const SHORT_MONTHS = ["янв", "фев", "мар", "апр", "май", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"];

const dateFormat = new Intl.DateTimeFormat("ru-RU", { timeZone: TIME_ZONE, day: "2-digit", month: "2-digit", year: "numeric" });
const dateTimeFormat = new Intl.DateTimeFormat("ru-RU", {
  timeZone: TIME_ZONE,
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** "2026-10-15" (a calendar date) -> "15.10.2026"; an ISO time -> its date in Simferopol. */
export function formatDate(value: string): string {
  const plain = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (plain) return `${plain[3]}.${plain[2]}.${plain[1]}`;
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : dateFormat.format(at);
}

export function formatDateTime(value: string): string {
  const at = new Date(value);
  return Number.isNaN(at.getTime()) ? value : dateTimeFormat.format(at);
}

const timeFormat = new Intl.DateTimeFormat("ru-RU", { timeZone: TIME_ZONE, hour: "2-digit", minute: "2-digit" });

/** A moment as "14:35" when it falls on the day of `now` in Simferopol, else "07.12.2026 14:35". */
export function formatMoment(value: string, now: Date = new Date()): string {
  const at = new Date(value);
  if (Number.isNaN(at.getTime())) return value;
  const day = dateFormat.format(at);
  return day === dateFormat.format(now) ? timeFormat.format(at) : `${day} ${timeFormat.format(at)}`;
}

/**
 * What a pending online payment means for the payer: until when the bank's card page lasts
 * (`expires_at` of the payments API), after which the payment is cancelled; null without it.
 */
export function pendingNote(expiresAt: string | null | undefined, now: Date = new Date()): string | null {
  if (!expiresAt) return null;
  const at = new Date(expiresAt);
  if (Number.isNaN(at.getTime())) return null;
  const when = formatMoment(expiresAt, now);
  return at.getTime() > now.getTime()
    ? `Страница банка действует до ${when}, после этого платеж будет отменен`
    : `Время на оплату истекло в ${when}: если оплата не была завершена, платеж будет отменен`;
}

/** "2026-11" -> "ноябрь 2026". */
export function periodName(period: string): string {
  const [year, month] = period.split("-");
  const name = MONTHS[Number(month) - 1];
  return name ? `${name} ${year}` : period;
}

/** "2026-11" -> "ноя 2026" (chart axis). */
export function periodShort(period: string): string {
  const [year, month] = period.split("-");
  const name = SHORT_MONTHS[Number(month) - 1];
  return name ? `${name} ${year.slice(2)}` : period;
}

/** 12456.5 -> "12 456,5" (kWh). */
export function formatKwh(value: number): string {
  return new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 2 }).format(value);
}

export const READING_STATUS: Record<ReadingStatus, string> = {
  submitted: "Принято порталом",
  sent: "Передано в биллинг",
  accepted: "Принято",
  rejected: "Отклонено",
};

export const PAYMENT_STATUS: Record<PaymentStatus, string> = {
  pending: "В обработке",
  succeeded: "Оплачен",
  failed: "Не прошел",
  expired: "Время оплаты истекло",
  refunded: "Возвращен",
};

export const REQUEST_STATUS: Record<RequestStatus, string> = {
  pending: "На рассмотрении",
  approved: "Одобрена",
  rejected: "Отклонена",
  withdrawn: "Отозвана",
};

export const CARD_BRAND: Record<CardBrand, string> = {
  mir: "Мир",
  visa: "Visa",
  mastercard: "Mastercard",
};

/** "411111******1111" -> "411111 •• •••• 1111"-like readable groups, keeping what the API masked. */
export function formatPan(masked: string): string {
  const plain = masked.replace(/\s/g, "");
  return plain.replace(/(.{4})(?=.)/g, "$1 ").replace(/\*/g, "•");
}

/** The manual's warning, shown wherever payments or readings are waiting: on «Мои счета», «Платежи», «Показания» and the payment's result. */
export const PROCESSING_WARNING = "Внимание!";
export const PROCESSING_NOTE =
  "Время обработки информации о поступивших платежах и переданных показаниях приборов учета в «Личном кабинете абонента» составляет 1–3 рабочих дня.";

/** Where a person finds the account number, said under every field that asks for it. */
export const ACCOUNT_NUMBER_HINT = "Номер лицевого счета указан в квитанции (счете) на оплату электроэнергии: только цифры.";

/** The Russian plural: `plural(4, "цифра", "цифры", "цифр")` is «цифры». */
export function plural(n: number, one: string, few: string, many: string): string {
  const tens = Math.abs(n) % 100;
  const units = tens % 10;
  if (tens > 10 && tens < 20) return many;
  if (units === 1) return one;
  if (units >= 2 && units <= 4) return few;
  return many;
}
