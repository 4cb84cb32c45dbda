/**
 * «Оплата по лицевому счету № …»: the amount (billing's amount due, or the amount of an attempt
 * being paid again, editable), «Оплатить» →
 * `POST /payments` with one `Idempotency-Key` per opening of the dialog → the acquirer's card
 * page (`confirmation_url`, another origin).
 */

import { useRef, useState, type FormEvent } from "react";

import { api, ApiError, messageOf } from "../api/client";
import type { Account, StartedPayment } from "../api/types";
import { amountForInput, checkAmount, formatMoney, isPositive } from "../lib/money";
import { Modal } from "./Modal";
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
    try {
      const started = await api.post<StartedPayment>(
        "/payments",
        { account_id: account.id, amount: checked.value },
        { headers: { "Idempotency-Key": key.current } },
      );
      setLeaving(true);
      browser.go(started.confirmation_url);
    } catch (caught) {
      if (caught instanceof ApiError && caught.fields.amount) {
        setFieldError(caught.fields.amount);
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
        <p className="muted small">
          Оплата картой «Мир» (с MirAccept), Visa или Mastercard. Вы перейдете на защищенную страницу банка.
        </p>
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
