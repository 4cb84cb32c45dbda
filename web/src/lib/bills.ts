/**
 * Bills (квитанции), estimates and the paperless switch in words: what a period, an amount and a
 * file are called on «Квитанции» and «Показания». Money stays text and kopecks (lib/money).
 */

import type { Bill, Estimate } from "../api/types";
import { periodName } from "./format";
import { absMoney, formatMoney, isNegative } from "./money";

/** "2026-11" -> "ноябрь 2026 г." (after «за»: the accusative of a month is its name). */
export function periodWithYear(period: string): string {
  const name = periodName(period);
  return name === period ? period : `${name} г.`;
}

/**
 * The estimate after a reading, said as an estimate and never as a debt:
 * «Предварительный расчет: 97,45 ₽ за декабрь 2026 г. по тарифу «Т2-2026»».
 */
export function estimateText(estimate: Estimate): string {
  return `Предварительный расчет: ${formatMoney(estimate.amount)} за ${periodWithYear(estimate.period)} по тарифу «${estimate.tariff_id}»`;
}

/** What the estimate is and is not. */
export const ESTIMATE_NOTE =
  "оценка стоимости электроэнергии, потребленной с последних учтенных показаний, а не задолженность; сумма к оплате будет указана в квитанции";

/** The sentence after a submission: the estimate and what it is; null when there is none. */
export function estimateSentence(estimate: Estimate | null | undefined): string | null {
  return estimate ? `${estimateText(estimate)}. Это ${ESTIMATE_NOTE}.` : null;
}

/** A bill's title: «Квитанция за ноябрь 2026 г.». */
export function billTitle(bill: Pick<Bill, "period">): string {
  return `Квитанция за ${periodWithYear(bill.period)}`;
}

/** A signed amount of a bill as a label and a positive figure: owed, or overpaid. */
export interface Signed {
  label: string;
  amount: string;
  overpaid: boolean;
}

/** The bill's total: «К оплате» 1 308,01 ₽, or «Переплата» when billing owes the subscriber. */
export function totalDue(bill: Pick<Bill, "total_due">): Signed {
  const overpaid = isNegative(bill.total_due);
  return { label: overpaid ? "Переплата" : "К оплате", amount: formatMoney(absMoney(bill.total_due)), overpaid };
}

/** The month's opening balance: «Задолженность на начало месяца», or «Переплата на начало месяца». */
export function openingBalance(bill: Pick<Bill, "opening_balance">): Signed {
  const overpaid = isNegative(bill.opening_balance);
  return {
    label: overpaid ? "Переплата на начало месяца" : "Задолженность на начало месяца",
    amount: formatMoney(absMoney(bill.opening_balance)),
    overpaid,
  };
}

/** A price per kWh: "6.49" -> "6,49 ₽/кВт·ч". */
export function formatPrice(price: string): string {
  return `${formatMoney(price)}/кВт·ч`;
}

/** The API's own path of the PDF (`pdf_url` carries the /api/v1 prefix, the client adds it). */
export function apiPath(url: string, prefix = "/api/v1"): string {
  return url.startsWith(`${prefix}/`) ? url.slice(prefix.length) : url;
}

/** `inline; filename="kvitanciya-91000202-2026-11.pdf"` -> its file name; null without one. */
export function dispositionFilename(header: string | null): string | null {
  if (!header) return null;
  const star = /filename\*\s*=\s*(?:UTF-8|utf-8)''([^;]+)/.exec(header);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      // falls back to the plain name
    }
  }
  const plain = /filename\s*=\s*"([^"]+)"|filename\s*=\s*([^;\s]+)/.exec(header);
  return plain ? (plain[1] ?? plain[2]) : null;
}

/** The file's name when the server names none: «kvitanciya-91000202-2026-11.pdf». */
export function billFilename(accountNumber: string | undefined, period: string): string {
  return accountNumber ? `kvitanciya-${accountNumber}-${period}.pdf` : `kvitanciya-${period}.pdf`;
}

/** What the paperless switch means, said beside it. */
export const PAPERLESS_EXPLANATION =
  "Квитанции будут приходить письмом на адрес электронной почты Вашей учетной записи, с квитанцией в формате PDF во вложении; бумажная квитанция по этому лицевому счету доставляться не будет.";
