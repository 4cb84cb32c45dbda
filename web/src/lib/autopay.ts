/** «Автоплатеж» of an account: the form's checks and the setting said in words. */

import type { Autopay } from "../api/types";
import { checkAmount, formatMoney } from "./money";
import { cardName } from "./payMethod";

export const DAYS = Array.from({ length: 28 }, (_, i) => i + 1);

export interface AutopayForm {
  cardId: string;
  day: string;
  maxAmount: string;
}

export type AutopayCheck =
  | { ok: true; body: { card_id: string; day_of_month: number; max_amount: string } }
  | { ok: false; fields: Record<string, string> };

export function checkAutopay(form: AutopayForm): AutopayCheck {
  const fields: Record<string, string> = {};
  if (!form.cardId) fields.card_id = "Выберите карту";
  const day = Number(form.day);
  if (!/^\d{1,2}$/.test(form.day) || day < 1 || day > 28) fields.day_of_month = "Выберите день месяца с 1 по 28";
  const amount = checkAmount(form.maxAmount);
  if (!amount.ok) fields.max_amount = amount.error.replace("Укажите сумму платежа", "Укажите наибольшую сумму списания");
  if (Object.keys(fields).length > 0 || !amount.ok) return { ok: false, fields };
  return { ok: true, body: { card_id: form.cardId, day_of_month: day, max_amount: amount.value } };
}

/** The card of a setting, as a person reads it; null once that card was deleted. */
export function autopayCard(autopay: Pick<Autopay, "card">): string | null {
  return autopay.card ? cardName(autopay.card) : null;
}

/** «Ежемесячно 15-го числа, не более 3 000,00 ₽». */
export function autopaySummary(autopay: Pick<Autopay, "day_of_month" | "max_amount">): string {
  return `Ежемесячно ${autopay.day_of_month}-го числа, не более ${formatMoney(autopay.max_amount)}`;
}
