/**
 * Money as the contract sends it: decimal strings with two fraction digits ("1523.40").
 * Amounts are handled as text and kopecks (integers), never as floating-point roubles.
 */

export type AmountCheck = { ok: true; value: string } | { ok: false; error: string };

/** The largest amount the form lets through; the API has its own ceiling (422 above it). */
export const MAX_AMOUNT_KOPECKS = 100_000_000_00;

/** "1523.40" -> 152340; "-250.00" -> -25000. Throws on anything else. */
export function toKopecks(money: string): number {
  const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(money.trim());
  if (!match) throw new Error(`not an amount: ${money}`);
  const [, minus, whole, fraction = ""] = match;
  const kopecks = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
  return minus ? -kopecks : kopecks;
}

/** 152340 -> "1523.40" (the API's form). */
export function fromKopecks(kopecks: number): string {
  const sign = kopecks < 0 ? "-" : "";
  const abs = Math.abs(Math.round(kopecks));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * What a payer typed in the amount field, checked: more than zero, at most two fraction digits,
 * a comma or a point, spaces between digit groups allowed. The value is the API's decimal string.
 */
export function checkAmount(input: string, maxKopecks: number = MAX_AMOUNT_KOPECKS): AmountCheck {
  const text = input.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
  if (text === "") return { ok: false, error: "Укажите сумму платежа" };
  if (/^\d+\.\d{3,}$/.test(text)) {
    return { ok: false, error: "Сумма указывается с точностью до копейки: не более двух знаков после запятой" };
  }
  if (!/^\d{1,12}(\.\d{1,2})?$/.test(text)) {
    return { ok: false, error: "Укажите сумму числом, например 1523,40" };
  }
  const kopecks = toKopecks(text);
  if (kopecks <= 0) return { ok: false, error: "Сумма платежа должна быть больше нуля" };
  if (kopecks > maxKopecks) {
    return { ok: false, error: `Сумма платежа не может превышать ${formatMoney(fromKopecks(maxKopecks))}` };
  }
  return { ok: true, value: fromKopecks(kopecks) };
}

const NBSP = "\u00a0";

function groupDigits(whole: string): string {
  return whole.replace(/\B(?=(\d{3})+(?!\d))/g, NBSP);
}

/** "1523.40" -> "1 523,40 ₽" (a no-break space between groups and before the sign). */
export function formatMoney(money: string, currency = true): string {
  const kopecks = toKopecks(money);
  const abs = fromKopecks(Math.abs(kopecks));
  const [whole, fraction] = abs.split(".");
  const text = `${kopecks < 0 ? "−" : ""}${groupDigits(whole)},${fraction}`;
  return currency ? `${text}${NBSP}₽` : text;
}

/** The amount as the editable field shows it: "1523.40" -> "1523,40". */
export function amountForInput(money: string): string {
  return money.replace(".", ",");
}

export function isPositive(money: string): boolean {
  return toKopecks(money) > 0;
}

export function isNegative(money: string): boolean {
  return toKopecks(money) < 0;
}

/** "-250.00" -> "250.00". */
export function absMoney(money: string): string {
  return fromKopecks(Math.abs(toKopecks(money)));
}
