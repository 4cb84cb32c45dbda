/**
 * «Вернуть деньги» on a payment's story (docs/contract.md §4 "Refunds"): a refund above the
 * threshold waits for a second person's approval (OperatorRefunds.tsx).
 */

import { useState, type FormEvent } from "react";

import { api } from "../api/client";
import type { PaymentStory, Refund } from "../api/finance";
import { Alert, LiveMessage, SubmitButton, TextArea, TextField } from "../components/ui";
import { checkRefundAmount, leftToRefund, leftToRefundKopecks, refundOutcome } from "../lib/finance";
import { useSubmit } from "../lib/hooks";
import { amountForInput, formatMoney } from "../lib/money";
import { PAYMENTS_PATH } from "./FinanceTabs";

function newKey(): string {
  return typeof crypto !== "undefined" && typeof crypto.randomUUID === "function" ? crypto.randomUUID() : `${Date.now()}-${Math.random()}`;
}

/** «Вернуть деньги»: the amount (what is left, unless changed) and the reason; one
 * Idempotency-Key per what was typed, so a retry after a lost answer is the same refund. */
export function RefundForm({ story, onDone }: { story: PaymentStory; onDone: () => Promise<void> }) {
  const left = leftToRefundKopecks(story.payment, story.refunds);
  const [amount, setAmount] = useState(() => amountForInput(leftToRefund(story.payment, story.refunds)));
  const [reason, setReason] = useState("");
  const [key, setKey] = useState(newKey);
  const [outcome, setOutcome] = useState<ReturnType<typeof refundOutcome> | null>(null);
  const submission = useSubmit(["amount", "reason"]);

  function edit(setter: (value: string) => void) {
    return (value: string) => {
      setter(value);
      setKey(newKey());
    };
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    setOutcome(null);
    const checked = checkRefundAmount(amount, left);
    const errors: Record<string, string> = {};
    if (!checked.ok) errors.amount = checked.error;
    if (!reason.trim()) errors.reason = "Укажите причину возврата";
    if (Object.keys(errors).length > 0) {
      submission.fail(null, errors);
      return;
    }
    const refund = await submission.run(() =>
      api.post<Refund>(`${PAYMENTS_PATH}/${story.payment.id}/refunds`, { amount: checked.ok ? checked.value : "", reason: reason.trim() }, { headers: { "Idempotency-Key": key } }),
    );
    if (!refund) return;
    setOutcome(refundOutcome(refund));
    setReason("");
    setKey(newKey());
    await onDone();
  }

  // Once loaded anew after a refund, the amount offered is what is left now.
  const [seenLeft, setSeenLeft] = useState(left);
  if (seenLeft !== left) {
    setSeenLeft(left);
    setAmount(amountForInput(leftToRefund(story.payment, story.refunds)));
  }

  return (
    <section className="card section" aria-labelledby="refund-title">
      <h2 id="refund-title" className="card-title">
        Вернуть деньги
      </h2>
      <div role="status" className="live-slot">
        {outcome && outcome.kind !== "error" ? <div className={`alert alert-${outcome.kind}`}><p>{outcome.text}</p></div> : null}
      </div>
      {outcome && outcome.kind === "error" ? <Alert kind="error">{outcome.text}</Alert> : null}
      {left === 0 ? (
        <p className="muted">
          {story.payment.status === "succeeded" || story.payment.status === "refunded"
            ? "Вся сумма платежа уже возвращена или ожидает возврата."
            : "Вернуть можно только оплаченный платеж."}
        </p>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <LiveMessage error={submission.error} />
          <div className="form-row">
            <TextField
              label="Сумма возврата, ₽"
              value={amount}
              onChange={edit(setAmount)}
              inputMode="decimal"
              autoComplete="off"
              hint={`Не более ${formatMoney(leftToRefund(story.payment, story.refunds))}. Возврат выше порога подтверждает второй сотрудник.`}
              error={submission.fields.amount}
              fieldClassName="field-amount"
            />
          </div>
          <TextArea label="Причина возврата" value={reason} onChange={edit(setReason)} rows={3} maxLength={1000} error={submission.fields.reason} />
          <SubmitButton busy={submission.busy} busyText="Отправка…">
            Вернуть деньги
          </SubmitButton>
        </form>
      )}
    </section>
  );
}
