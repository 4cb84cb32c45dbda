/**
 * «Автоплатеж» on an account's card: the current setting (`GET /accounts/{id}/autopay`, 404 when
 * there is none): on — the day, the limit, the card, the next payment's date and how the last one
 * went; off by itself (two failures, the card deleted) — why, with «Подключить снова»;
 * «Подключить автоплатеж» / «Изменить» (a saved card, the day of the month 1–28, the most it may
 * take: `PUT`), and «Отключить» after a confirmation (`DELETE`). On that day the portal pays the
 * amount due, but no more than the limit, with the card.
 */

import { useEffect, useState, type FormEvent } from "react";

import { api, ApiError, messageOf } from "../api/client";
import type { Account, Autopay, SavedCard } from "../api/types";
import { autopayCard, autopaySummary, checkAutopay, DAYS } from "../lib/autopay";
import { useLoad, useSubmit } from "../lib/hooks";
import { formatDate } from "../lib/format";
import { amountForInput, formatMoney, isPositive } from "../lib/money";
import { cardName } from "../lib/payMethod";
import { Modal } from "./Modal";
import { SAVE_CARD_LABEL } from "./PayMethods";
import { LiveMessage, Loading, SelectField, SubmitButton, TextField } from "./ui";

type Loaded = { state: "loading" } | { state: "none" } | { state: "on"; autopay: Autopay } | { state: "error"; message: string };

/** The setting of an account: none on a 404 (the API's «not set up»). */
export async function loadAutopay(accountId: string): Promise<Autopay | null> {
  try {
    return await api.get<Autopay>(`/accounts/${encodeURIComponent(accountId)}/autopay`);
  } catch (caught) {
    if (caught instanceof ApiError && caught.status === 404) return null;
    throw caught;
  }
}

export function AutopayPanel({ account }: { account: Account }) {
  const [loaded, setLoaded] = useState<Loaded>({ state: "loading" });
  const [editing, setEditing] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    let stopped = false;
    setLoaded({ state: "loading" });
    loadAutopay(account.id).then(
      (autopay) => !stopped && setLoaded(autopay ? { state: "on", autopay } : { state: "none" }),
      (caught: unknown) => !stopped && setLoaded({ state: "error", message: messageOf(caught) }),
    );
    return () => {
      stopped = true;
    };
  }, [account.id]);

  async function switchOff() {
    setBusy(true);
    setError(null);
    try {
      await api.delete<null>(`/accounts/${encodeURIComponent(account.id)}/autopay`);
      setLoaded({ state: "none" });
      setNotice("Автоплатеж отключен");
      setConfirming(false);
    } catch (caught) {
      setError(messageOf(caught));
      setConfirming(false);
    } finally {
      setBusy(false);
    }
  }

  const label = `лицевому счету №\u00a0${account.number}`;
  const active = loaded.state === "on" && loaded.autopay.status === "active";
  const action = active ? "Изменить" : loaded.state === "on" ? "Подключить снова" : "Подключить";
  const titleId = `autopay-${account.id}`;
  return (
    <section className="autopay" aria-labelledby={titleId} aria-busy={loaded.state === "loading" || undefined}>
      <h3 id={titleId} className="autopay-title">
        Автоплатеж
      </h3>
      {loaded.state === "loading" ? <p className="muted small">Загружаем…</p> : null}
      {loaded.state === "error" ? <p className="muted small">Не удалось загрузить настройку автоплатежа: {loaded.message}</p> : null}
      {loaded.state === "none" ? <p className="muted small">Не подключен. Сумма к оплате может списываться с сохраненной карты каждый месяц.</p> : null}
      {loaded.state === "on" ? <AutopayState autopay={loaded.autopay} /> : null}
      <LiveMessage success={notice} error={error} />
      {loaded.state === "none" || loaded.state === "on" ? (
        <div className="autopay-actions">
          <button
            type="button"
            className="button button-secondary"
            onClick={() => {
              setNotice(null);
              setError(null);
              setEditing(true);
            }}
            aria-label={`${action} автоплатеж по ${label}`}
          >
            {loaded.state === "on" && active ? "Изменить" : loaded.state === "on" ? "Подключить снова" : "Подключить автоплатеж"}
          </button>
          {loaded.state === "on" && active ? (
            <button type="button" className="button button-ghost" onClick={() => setConfirming(true)} aria-label={`Отключить автоплатеж по ${label}`}>
              Отключить
            </button>
          ) : null}
        </div>
      ) : null}
      {editing ? (
        <AutopayDialog
          account={account}
          current={loaded.state === "on" ? loaded.autopay : null}
          onClose={() => setEditing(false)}
          onSaved={(autopay) => {
            setLoaded({ state: "on", autopay });
            setNotice(active ? "Настройки автоплатежа сохранены" : "Автоплатеж подключен");
            setEditing(false);
          }}
        />
      ) : null}
      {confirming ? (
        <Modal title="Отключить автоплатеж?" onClose={() => setConfirming(false)}>
          <p>Сумма к оплате по лицевому счету №&nbsp;{account.number} больше не будет списываться с карты автоматически. Позже автоплатеж можно подключить снова.</p>
          <div className="form-actions">
            <button type="button" className="button button-danger" disabled={busy} onClick={() => void switchOff()}>
              {busy ? "Отключение…" : "Отключить"}
            </button>
            <button type="button" className="button button-ghost" onClick={() => setConfirming(false)} data-autofocus="">
              Отмена
            </button>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}

function AutopayDialog({
  account,
  current,
  onClose,
  onSaved,
}: {
  account: Account;
  current: Autopay | null;
  onClose: () => void;
  onSaved: (autopay: Autopay) => void;
}) {
  // The saved cards to choose from, asked when the dialog opens.
  const cards = useLoad(() => api.get<SavedCard[]>("/cards"), []);
  const list = cards.data ?? [];
  const [chosenCard, setCardId] = useState<string | null>(null);
  const kept = current?.card && list.some((card) => card.id === current.card?.id) ? current.card.id : "";
  const cardId = chosenCard ?? (kept || (list[list.length - 1]?.id ?? ""));
  const [day, setDay] = useState(() => String(current?.day_of_month ?? 10));
  const [maxAmount, setMaxAmount] = useState(() =>
    current ? amountForInput(current.max_amount) : isPositive(account.amount_due) ? amountForInput(account.amount_due) : "",
  );
  const submission = useSubmit(["card_id", "day_of_month", "max_amount"]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const checked = checkAutopay({ cardId, day, maxAmount });
    if (!checked.ok) {
      submission.fail("Проверьте правильность заполнения полей", checked.fields);
      return;
    }
    const saved = await submission.run(() => api.put<Autopay>(`/accounts/${encodeURIComponent(account.id)}/autopay`, checked.body));
    if (saved) onSaved(saved);
  }

  return (
    <Modal title={`Автоплатеж по лицевому счету №\u00a0${account.number}`} onClose={onClose}>
      {cards.loading && !cards.data ? (
        <Loading label="Загружаем сохраненные карты…" lines={2} />
      ) : cards.error ? (
        <LiveMessage error={cards.error} />
      ) : list.length === 0 ? (
        <>
          <p>
            Для автоплатежа нужна сохраненная карта. Оплатите счет картой и отметьте «{SAVE_CARD_LABEL}»: после успешной оплаты карту можно выбрать здесь.
          </p>
          <div className="form-actions">
            <button type="button" className="button button-secondary" onClick={onClose} data-autofocus="">
              Понятно
            </button>
          </div>
        </>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <p className="muted">
            В выбранный день месяца с карты спишется сумма к оплате по счету, но не больше указанной. За 3 дня до списания придет письмо-напоминание.
          </p>
          <LiveMessage error={submission.error} />
          <SelectField
            label="Карта"
            value={cardId}
            onChange={setCardId}
            options={list.map((card) => ({ value: card.id, label: `${cardName(card)}, до ${card.expiry}` }))}
            error={submission.fields.card_id}
            data-autofocus=""
          />
          <SelectField
            label="День списания"
            value={day}
            onChange={setDay}
            options={DAYS.map((d) => ({ value: String(d), label: `${d}-е число` }))}
            hint="С 1 по 28 число каждого месяца."
            error={submission.fields.day_of_month}
          />
          <TextField
            label="Не более, ₽"
            inputMode="decimal"
            autoComplete="off"
            value={maxAmount}
            onChange={setMaxAmount}
            hint="Если к оплате больше, спишется эта сумма. Копейки — через запятую."
            error={submission.fields.max_amount}
            fieldClassName="field-amount"
          />
          <div className="form-actions">
            <SubmitButton busy={submission.busy} busyText="Сохранение…">
              {current?.status === "active" ? "Сохранить" : "Подключить"}
            </SubmitButton>
            <button type="button" className="button button-ghost" onClick={onClose}>
              Отмена
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

/** A setting there is: on (its terms, card, next date, the last attempt) or off by itself (why). */
function AutopayState({ autopay }: { autopay: Autopay }) {
  const card = autopayCard(autopay);
  const last = autopay.last_attempt;
  if (autopay.status !== "active") {
    return (
      <div className="autopay-state">
        <p>
          <span className="badge badge-failed">Отключен</span> {autopay.message ?? "Автоплатеж отключен"}
        </p>
        <p className="muted small">{autopaySummary(autopay)}. Чтобы снова платить автоматически, подключите автоплатеж.</p>
      </div>
    );
  }
  return (
    <div className="autopay-state">
      <p className="autopay-on">
        <span className="badge badge-succeeded">Подключен</span> {autopaySummary(autopay)}
        {card ? `, карта ${card}` : ""}
      </p>
      {card ? null : <p className="small field-error">Карта автоплатежа удалена: выберите другую карту, нажав «Изменить».</p>}
      {autopay.next_payment_date ? <p className="muted small">Следующее списание: {formatDate(autopay.next_payment_date)}, если будет сумма к оплате.</p> : null}
      {last ? (
        <p className="muted small">
          Последнее списание ({formatDate(last.at)}, {formatMoney(last.amount)}): {last.status === "succeeded" ? "прошло успешно" : last.status === "pending" ? "в обработке" : `не прошло. ${last.message}`}
        </p>
      ) : null}
    </div>
  );
}
