/**
 * «Оплатить несколько счетов»: 2–10 of the subscriber's accounts, each with its amount (the
 * amount due to begin with, editable), the total, by card or «СБП (по QR-коду)» →
 * `POST /payments/basket` with one `Idempotency-Key` per opening (a new one once the basket
 * changes after a refusal) → the bank's card page, which sends the payer back to
 * `/payments/baskets/{id}/result`; for SBP straight there, with the QR code.
 */

import { useId, useRef, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";

import { api, ApiError, messageOf } from "../api/client";
import type { Account, StartedBasket } from "../api/types";
import { BASKET_MAX, basketFieldErrors, basketTotal, checkBasket, formatTotal, initialLines, type BasketLine } from "../lib/basket";
import { plural } from "../lib/format";
import { formatMoney } from "../lib/money";
import type { PayChoice } from "../lib/payMethod";
import { rememberSbp } from "../lib/pending";
import { Modal } from "./Modal";
import { browser, newIdempotencyKey } from "./PayDialog";
import { MethodChoice } from "./PayMethods";
import { SubmitButton } from "./ui";

export function BasketDialog({ accounts, onClose }: { accounts: Account[]; onClose: () => void }) {
  const key = useRef(newIdempotencyKey());
  const sent = useRef<string | null>(null);
  const [lines, setLines] = useState<BasketLine[]>(() => initialLines(accounts));
  const [choice, setChoice] = useState<PayChoice>({ kind: "new", save: false });
  const [error, setError] = useState<string | null>(null);
  const [fields, setFields] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);
  const [leaving, setLeaving] = useState(false);
  const navigate = useNavigate();
  const totalId = useId();
  const chosen = lines.filter((line) => line.chosen).length;
  const total = basketTotal(lines);

  function change(accountId: string, patch: Partial<BasketLine>) {
    setLines((was) => was.map((line) => (line.accountId === accountId ? { ...line, ...patch } : line)));
    setFields((was) => {
      if (!(accountId in was)) return was;
      const rest = { ...was };
      delete rest[accountId];
      return rest;
    });
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const checked = checkBasket(lines);
    if (!checked.ok) {
      setError(checked.error);
      setFields(checked.fields);
      return;
    }
    setError(null);
    setFields({});
    const method = choice.kind === "sbp" ? "sbp" : "card";
    const body = { items: checked.items, method };
    // The same basket again (a retry after a lost answer) is the same payment; another is another.
    const text = JSON.stringify(body);
    if (sent.current !== null && sent.current !== text) key.current = newIdempotencyKey();
    sent.current = text;
    setBusy(true);
    try {
      const started = await api.post<StartedBasket>("/payments/basket", body, { headers: { "Idempotency-Key": key.current } });
      if (started.sbp) rememberSbp(started.id, started.sbp);
      if (started.confirmation_url) {
        setLeaving(true);
        browser.go(started.confirmation_url);
        return;
      }
      navigate(`/payments/baskets/${started.id}/result`, { state: started.sbp ? { sbp: started.sbp } : null });
      onClose();
    } catch (caught) {
      if (caught instanceof ApiError) {
        const mine = basketFieldErrors(caught.fields, checked.items);
        setFields(mine);
        setError(caught.detail);
        if (caught.code === "idempotency_key_reused") key.current = newIdempotencyKey();
      } else {
        setError(messageOf(caught));
      }
    } finally {
      setBusy(false);
    }
  }

  return (
    <Modal title="Оплата нескольких счетов" onClose={onClose}>
      <form className="form" onSubmit={submit} noValidate aria-describedby={totalId}>
        <p className="muted">
          Отметьте от 2 до {BASKET_MAX} лицевых счетов и проверьте суммы: все счета оплачиваются одним платежом.
        </p>
        <div role="alert" className="live-slot">
          {error ? <div className="alert alert-error"><p>{error}</p></div> : null}
        </div>
        <ul className="basket-list" aria-label="Лицевые счета">
          {accounts.map((account, index) => {
            const line = lines[index];
            return <BasketRow key={account.id} account={account} line={line} error={fields[account.id]} onChange={(patch) => change(account.id, patch)} />;
          })}
        </ul>
        <p id={totalId} className="basket-total" aria-live="polite">
          <span>
            Итого за {chosen} {plural(chosen, "счет", "счета", "счетов")}:
          </span>{" "}
          <strong>{formatTotal(total)}</strong>
        </p>
        <MethodChoice cards={[]} choice={choice} onChange={setChoice} offerSave={false} />
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

function BasketRow({ account, line, error, onChange }: { account: Account; line: BasketLine; error?: string; onChange: (patch: Partial<BasketLine>) => void }) {
  const id = useId();
  const describedBy = [`${id}-due`, error ? `${id}-error` : ""].filter(Boolean).join(" ");
  return (
    <li className={`basket-row${error ? " field-invalid" : ""}`}>
      <div className="basket-account">
        <input id={`${id}-pick`} type="checkbox" className="check" checked={line.chosen} onChange={(event) => onChange({ chosen: event.target.checked })} />
        <label htmlFor={`${id}-pick`} className="basket-label">
          <strong>Лицевой счет №&nbsp;{account.number}</strong>
          <span className="muted small">{account.address}</span>
        </label>
      </div>
      <div className="basket-amount">
        <label htmlFor={`${id}-amount`} className="field-label">
          Сумма<span className="visually-hidden"> по лицевому счету №&nbsp;{account.number}</span>, ₽
        </label>
        <input
          id={`${id}-amount`}
          className="input"
          inputMode="decimal"
          autoComplete="off"
          value={line.amount}
          disabled={!line.chosen}
          onChange={(event) => onChange({ amount: event.target.value })}
          aria-invalid={error ? true : undefined}
          aria-describedby={describedBy}
        />
        <p id={`${id}-due`} className="field-hint">
          К оплате {formatMoney(account.amount_due)}
        </p>
        {error ? (
          <p id={`${id}-error`} className="field-error">
            {error}
          </p>
        ) : null}
      </div>
    </li>
  );
}
