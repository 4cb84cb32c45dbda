/** How the pay dialog pays: a saved card, a new card (kept by the bank for next time, or not), or
 * SBP by a QR code — and the body of `POST /payments` each one makes (docs/contract.md §2). */

import type { PayMethod, SavedCard } from "../api/types";
import { CARD_BRAND, formatPan } from "./format";

export type PayChoice = { kind: "saved"; cardId: string } | { kind: "new"; save: boolean } | { kind: "sbp" };

/** The choice a dialog opens with: the newest saved card (`GET /cards` lists the oldest first), else a new card. */
export function defaultChoice(cards: readonly SavedCard[] | undefined): PayChoice {
  const newest = cards && cards.length > 0 ? cards[cards.length - 1] : undefined;
  return newest ? { kind: "saved", cardId: newest.id } : { kind: "new", save: false };
}

/** The choice as it stands once the cards are known: a saved card that is gone falls back. */
export function effectiveChoice(chosen: PayChoice | null, cards: readonly SavedCard[] | undefined): PayChoice {
  if (!chosen) return defaultChoice(cards);
  if (chosen.kind === "saved" && !(cards ?? []).some((card) => card.id === chosen.cardId)) return defaultChoice(cards);
  return chosen;
}

/** The radio value of a choice (one group: each saved card, «Новая карта», «СБП»). */
export function choiceValue(choice: PayChoice): string {
  return choice.kind === "saved" ? `card:${choice.cardId}` : choice.kind;
}

export function methodOf(choice: PayChoice): PayMethod {
  return choice.kind === "sbp" ? "sbp" : "card";
}

/** `POST /payments`'s body: `save_card` only when asked, `card_id` only for a saved card (the API
 * refuses SBP with either, and both together). */
export function paymentBody(accountId: string, amount: string, choice: PayChoice): Record<string, unknown> {
  const body: Record<string, unknown> = { account_id: accountId, amount, method: methodOf(choice) };
  if (choice.kind === "saved") body.card_id = choice.cardId;
  if (choice.kind === "new" && choice.save) body.save_card = true;
  return body;
}

/** «Visa 4111 11•• •••• 1111». */
export function cardName(card: { brand: string; pan_masked: string }): string {
  const brand = (CARD_BRAND as Record<string, string>)[card.brand] ?? card.brand;
  return `${brand} ${formatPan(card.pan_masked)}`;
}

/** «Visa •••• 1111, до 12/30»: short enough for a radio label on a phone. */
export function cardShort(card: SavedCard): string {
  const brand = (CARD_BRAND as Record<string, string>)[card.brand] ?? card.brand;
  const last = card.pan_masked.replace(/\D*$/, "").slice(-4);
  return `${brand} •••• ${last}, до ${card.expiry}`;
}

/** What happens after «Оплатить», said under the choice. */
export function choiceNote(choice: PayChoice): string {
  if (choice.kind === "saved") {
    return "Деньги спишутся с выбранной карты. Если банк попросит подтвердить платеж, откроется его страница для ввода кода.";
  }
  if (choice.kind === "sbp") {
    return "Появится QR-код: отсканируйте его камерой телефона или в приложении своего банка и подтвердите платеж. На телефоне можно сразу открыть приложение банка.";
  }
  return "Оплата картой «Мир» (с MirAccept), Visa или Mastercard. Вы перейдете на защищенную страницу банка.";
}
