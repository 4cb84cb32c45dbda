/**
 * «Оплата по лицевому счету № …»: the amount (billing's amount due, or the amount of an attempt
 * being paid again, editable), the way to pay (a saved card, a new card — kept by the bank for
 * next time when «Сохранить карту для следующих платежей» is ticked — or «СБП (по QR-коду)»),
 * «Оплатить» → `POST /payments` with one `Idempotency-Key` per opening of the dialog (a new one
 * when the way to pay changes: the key covers it) →
 * - a new card: the acquirer's card page (`confirmation_url`, another origin);
 * - a saved card: the issuer's 3-D Secure page when the bank asks for one, else straight to the
 *   result page (the payment may be decided already);
 * - SBP: the result page, which shows the QR code (kept for this tab: `GET /payments/{id}` does
 *   not repeat it) and waits for the bank.
 */

import { useRef, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";

import { api, ApiError, messageOf } from "../api/client";
import type { Account, SavedCard, StartedPayment } from "../api/types";
import { useLoad } from "../lib/hooks";
import { amountForInput, checkAmount, formatMoney, isPositive } from "../lib/money";
import { choiceValue, effectiveChoice, paymentBody, type PayChoice } from "../lib/payMethod";
import { rememberSbp } from "../lib/pending";
import { Modal } from "./Modal";
import { MethodChoice } from "./PayMethods";
import { SubmitButton, TextField } from "./ui";

export function newIdempotencyKey(): string {
  if (typeof crypto !== "undefined" && typeof crypto.randomUUID === "function") return crypto.randomUUID();
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** Leaves for the bank's page (a seam for tests). */
export const browser = {
  go(url: string): void {
    window.location.assign(url);
  },
};

/** The amount the field starts with: `amount` when given (paying an attempt again), else what is due. */
function firstAmount(account: Account, amount?: string): string {
  if (amount && isPositive(amount)) return amountForInput(amount);
  return isPositive(account.amount_due) ? amountForInput(account.amount_due) : "";
}

export function PayDialog({ account, amount: again, onClose }: { account: Account; amount?: string; onClose: () => void }) {
  const key = useRef(newIdempotencyKey());
  const [amount, setAmount] = useState(() => firstAmount(account, again));
  const [fieldError, setFieldError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const navigate = useNavigate();
  // The saved cards: without them (or when they cannot be read) a new card and SBP remain.
  const cards = useLoad(() => api.get<SavedCard[]>("/cards").catch(() => [] as SavedCard[]), []);
  const [chosen, setChosen] = useState<PayChoice | null>(null);
  const choice = effectiveChoice(chosen, cards.data);
  const keyFor = useRef<string | null>(null);

  function choose(next: PayChoice) {
    setChosen(next);
    setError(null);
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const checked = checkAmount(amount);
    if (!checked.ok) {
      setFieldError(checked.error);
      setError(null);
      return;
    }
    setFieldError(undefined);
    setError(null);
    setBusy(true);
    const body = paymentBody(account.id, checked.value, choice);
    // Another way to pay is another payment: it needs a key of its own.
    const way = `${choiceValue(choice)}:${choice.kind === "new" && choice.save ? "save" : ""}`;
    if (keyFor.current !== null && keyFor.current !== way) key.current = newIdempotencyKey();
    keyFor.current = way;
    try {
      const started = await api.post<StartedPayment>("/payments", body, { headers: { "Idempotency-Key": key.current } });
      if (started.sbp) rememberSbp(started.id, started.sbp);
      if (started.confirmation_url) {
        setLeaving(true);
        browser.go(started.confirmation_url);
        return;
      }
      navigate(`/payments/${started.id}/result`, { state: started.sbp ? { sbp: started.sbp } : null });
      onClose();
    } catch (caught) {
      if (caught instanceof ApiError && caught.fields.amount) {
        setFieldError(caught.fields.amount);
      } else if (caught instanceof ApiError && caught.code === "card_not_found") {
        // The card was deleted (here or at the bank) meanwhile: say so, and list what is left.
        setError(caught.detail);
        setChosen(null);
        void cards.reload();
      } else if (caught instanceof ApiError && caught.status === 404) {
        setError("Оплата по этому счету пока недоступна. Если счет добавлен только что, повторите попытку через минуту");
      } else {
        setError(messageOf(caught));
      }
      // Another amount is another payment: it needs a key of its own.
      if (caught instanceof ApiError && caught.code === "idempotency_key_reused") key.current = newIdempotencyKey();
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title={`Оплата по лицевому счету №\u00a0${account.number}`} onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate>
        <p className="muted">
          {account.region.name}, {account.address}
        </p>
        <dl className="facts facts-compact">
          <div>
            <dt>К оплате</dt>
            <dd>{formatMoney(account.amount_due)}</dd>
          </div>
        </dl>
        <div role="alert" className="live-slot">
          {error ? <div className="alert alert-error"><p>{error}</p></div> : null}
        </div>
        <TextField
          label="Сумма платежа, ₽"
          inputMode="decimal"
          autoComplete="off"
          value={amount}
          onChange={setAmount}
          error={fieldError}
          hint="Можно изменить сумму. Копейки — через запятую."
          data-autofocus=""
          fieldClassName="field-amount"
        />
        <MethodChoice cards={cards.data ?? []} choice={choice} onChange={choose} />
        <div className="form-actions">
          <SubmitButton busy={busy || leaving} busyText={leaving ? "Переход на страницу банка…" : "Создание платежа…"}>
            Оплатить
          </SubmitButton>
          <button type="button" className="button button-ghost" onClick={onClose}>
            Отмена
          </button>
        </div>
      </form>
    </Modal>
  );
}
