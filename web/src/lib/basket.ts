/** «Оплатить несколько счетов»: which accounts, how much for each, the total, and the checks
 * before `POST /payments/basket` (2–10 accounts, every amount as for one payment). */

import type { Account, BasketItem } from "../api/types";
import { amountForInput, checkAmount, formatMoney, fromKopecks, isPositive, toKopecks } from "./money";

export const BASKET_MIN = 2;
export const BASKET_MAX = 10;

export interface BasketLine {
  accountId: string;
  chosen: boolean;
  /** As typed: "1523,40". */
  amount: string;
}

/** The lines a basket opens with: every account with its amount due, chosen when something is
 * due (the first ten such). */
export function initialLines(accounts: readonly Account[]): BasketLine[] {
  let chosen = 0;
  return accounts.map((account) => {
    const due = isPositive(account.amount_due);
    const pick = due && chosen < BASKET_MAX;
    if (pick) chosen += 1;
    return { accountId: account.id, chosen: pick, amount: due ? amountForInput(account.amount_due) : "" };
  });
}

/** The sum of the chosen lines' amounts that are amounts (kopecks); a line still being typed counts as nothing. */
export function basketTotal(lines: readonly BasketLine[]): number {
  return lines.reduce((sum, line) => {
    if (!line.chosen) return sum;
    const checked = checkAmount(line.amount);
    return checked.ok ? sum + toKopecks(checked.value) : sum;
  }, 0);
}

export function formatTotal(kopecks: number): string {
  return formatMoney(fromKopecks(kopecks));
}

export type BasketCheck =
  | { ok: true; items: BasketItem[] }
  | { ok: false; error: string | null; fields: Record<string, string> };

/** The basket checked: 2–10 chosen accounts, each with a proper amount (errors by account id). */
export function checkBasket(lines: readonly BasketLine[]): BasketCheck {
  const chosen = lines.filter((line) => line.chosen);
  const fields: Record<string, string> = {};
  const items: BasketItem[] = [];
  for (const line of chosen) {
    const checked = checkAmount(line.amount);
    if (checked.ok) items.push({ account_id: line.accountId, amount: checked.value });
    else fields[line.accountId] = checked.error;
  }
  let error: string | null = null;
  if (chosen.length < BASKET_MIN) error = "Выберите не менее двух лицевых счетов";
  else if (chosen.length > BASKET_MAX) error = `За один платеж можно оплатить не более ${BASKET_MAX} лицевых счетов`;
  else if (Object.keys(fields).length > 0) error = "Проверьте суммы платежей";
  if (error) return { ok: false, error, fields };
  return { ok: true, items };
}

/** The API's field errors of a basket (`items.1.amount`) by the account of that line. */
export function basketFieldErrors(fields: Record<string, string>, items: readonly BasketItem[]): Record<string, string> {
  const mine: Record<string, string> = {};
  for (const [field, message] of Object.entries(fields)) {
    const match = /^items\.(\d+)(?:\.|$)/.exec(field);
    const item = match ? items[Number(match[1])] : undefined;
    if (item && !(item.account_id in mine)) mine[item.account_id] = message;
  }
  return mine;
}
