/**
 * Adding an account («Регион», «Номер лицевого счета», and either «Сумма последнего платежа» or
 * «Первые три буквы фамилии владельца»), and the same form as «Редактирование заявки».
 */

import { useState, type FormEvent } from "react";

import type { LinkBody, Region, RequestProof } from "../api/types";
import { ACCOUNT_NUMBER_HINT } from "../lib/format";
import { amountForInput, checkAmount } from "../lib/money";
import type { Submission } from "../lib/hooks";
import { LiveMessage, SelectField, SubmitButton, TextField } from "./ui";

export const LINK_FIELDS = ["region_code", "number", "last_payment_amount", "surname_prefix"] as const;

/** Billing numbers accounts with digits only (docs/contract.md §2): the API's words for anything else. */
export const ACCOUNT_NUMBER_RULE = /^[0-9]{1,20}$/;
export const INVALID_ACCOUNT_NUMBER = "Номер лицевого счета состоит только из цифр (не более 20), как в квитанции";

export type Proof = "payment" | "surname";

export interface LinkFormValues {
  region: string;
  number: string;
  proof: Proof;
  amount: string;
  letters: string;
}

/** A request's region, number and proof as the form's starting values («Редактирование заявки»). */
export function initialFromRequest(request: { region_code: string; number: string; proof?: RequestProof | null }): Partial<LinkFormValues> {
  const proof = request.proof;
  const values: Partial<LinkFormValues> = { region: request.region_code, number: request.number };
  if (proof && "surname_prefix" in proof) return { ...values, proof: "surname", letters: proof.surname_prefix };
  if (proof && "last_payment_amount" in proof) return { ...values, proof: "payment", amount: amountForInput(proof.last_payment_amount) };
  return values;
}

/** The form's values as the API's body, or the errors to show next to the fields. */
export function linkBody(values: LinkFormValues): { body: LinkBody } | { errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!values.region) errors.region_code = "Выберите регион";
  const number = values.number.trim();
  if (!number) errors.number = "Укажите номер лицевого счета";
  else if (!ACCOUNT_NUMBER_RULE.test(number)) errors.number = INVALID_ACCOUNT_NUMBER;
  let proof: { last_payment_amount: string } | { surname_prefix: string } | null = null;
  if (values.proof === "payment") {
    const checked = checkAmount(values.amount);
    if (checked.ok) proof = { last_payment_amount: checked.value };
    else errors.last_payment_amount = checked.error === "Укажите сумму платежа" ? "Укажите сумму последнего платежа" : checked.error;
  } else {
    const letters = values.letters.trim();
    if (!/^[А-Яа-яЁё]{3}$/.test(letters)) errors.surname_prefix = "Укажите первые три буквы фамилии владельца лицевого счета";
    else proof = { surname_prefix: letters };
  }
  if (Object.keys(errors).length > 0 || !proof) return { errors };
  return { body: { region_code: values.region, number, ...proof } as LinkBody };
}

export function LinkForm({
  regions,
  initial,
  submitLabel,
  submission,
  onSubmit,
  onCancel,
  idPrefix,
}: {
  regions: Region[];
  initial?: Partial<LinkFormValues>;
  submitLabel: string;
  submission: Submission;
  onSubmit: (body: LinkBody) => void;
  onCancel?: () => void;
  idPrefix: string;
}) {
  const [values, setValues] = useState<LinkFormValues>({
    region: initial?.region ?? "",
    number: initial?.number ?? "",
    proof: initial?.proof ?? "payment",
    amount: initial?.amount ?? "",
    letters: initial?.letters ?? "",
  });
  const set = (patch: Partial<LinkFormValues>) => setValues((v) => ({ ...v, ...patch }));
  const f = submission.fields;

  function submit(event: FormEvent) {
    event.preventDefault();
    const result = linkBody(values);
    if ("errors" in result) {
      submission.fail("Проверьте правильность заполнения полей", result.errors);
      return;
    }
    onSubmit(result.body);
  }

  return (
    <form className="form" onSubmit={submit} noValidate>
      <LiveMessage error={submission.error} />
      <div className="form-row">
        <SelectField
          id={`${idPrefix}-region`}
          label="Регион"
          value={values.region}
          onChange={(region) => set({ region })}
          placeholder="Выберите регион"
          options={regions.map((r) => ({ value: r.code, label: r.name }))}
          error={f.region_code}
          required
        />
        <TextField
          id={`${idPrefix}-number`}
          label="Номер лицевого счета"
          inputMode="numeric"
          autoComplete="off"
          value={values.number}
          onChange={(number) => set({ number })}
          error={f.number}
          hint={ACCOUNT_NUMBER_HINT}
          required
        />
      </div>
      <fieldset className="fieldset">
        <legend className="field-label">Чем подтвердить, что счет Ваш</legend>
        <div className="choice">
          <label className="choice-item">
            <input type="radio" name={`${idPrefix}-proof`} value="payment" checked={values.proof === "payment"} onChange={() => set({ proof: "payment" })} />
            <span>Сумма последнего платежа</span>
          </label>
          <label className="choice-item">
            <input type="radio" name={`${idPrefix}-proof`} value="surname" checked={values.proof === "surname"} onChange={() => set({ proof: "surname" })} />
            <span>Первые три буквы фамилии владельца</span>
          </label>
        </div>
      </fieldset>
      {values.proof === "payment" ? (
        <TextField
          id={`${idPrefix}-amount`}
          label="Сумма последнего платежа"
          inputMode="decimal"
          autoComplete="off"
          hint="Например, 1200,00"
          value={values.amount}
          onChange={(amount) => set({ amount })}
          error={f.last_payment_amount}
          fieldClassName="field-short"
        />
      ) : (
        <TextField
          id={`${idPrefix}-letters`}
          label="Первые три буквы фамилии владельца"
          autoComplete="off"
          maxLength={3}
          hint="Например, «Ива» для фамилии Иванов"
          value={values.letters}
          onChange={(letters) => set({ letters })}
          error={f.surname_prefix}
          fieldClassName="field-short"
        />
      )}
      <div className="form-actions">
        <SubmitButton busy={submission.busy}>{submitLabel}</SubmitButton>
        {onCancel ? (
          <button type="button" className="button button-ghost" onClick={onCancel}>
            Отмена
          </button>
        ) : null}
      </div>
    </form>
  );
}
