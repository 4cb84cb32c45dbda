/** The way to pay, chosen in the pay dialog and the basket: each saved card, a new card (with
 * «Сохранить карту для следующих платежей»), or «СБП (по QR-коду)»; and the QR code an SBP
 * payment shows, with «Открыть приложение банка» on a phone. */

import { useId } from "react";

import type { SavedCard, SbpQr } from "../api/types";
import { formatMoment } from "../lib/format";
import { useIsPhone } from "../lib/hooks";
import { cardShort, choiceNote, choiceValue, type PayChoice } from "../lib/payMethod";
import { qrImageSource } from "../lib/qr";
import { Checkbox } from "./ui";

export const SBP_LABEL = "СБП (по QR-коду)";
export const SAVE_CARD_LABEL = "Сохранить карту для следующих платежей";

export function MethodChoice({
  cards,
  choice,
  onChange,
  offerSave = true,
}: {
  cards: readonly SavedCard[];
  choice: PayChoice;
  onChange: (choice: PayChoice) => void;
  /** Whether a new card can be kept (not for a basket: the API takes no `save_card` there). */
  offerSave?: boolean;
}) {
  const name = useId();
  const noteId = useId();
  const value = choiceValue(choice);
  const newCard = cards.length > 0 ? "Новая карта" : "Банковская карта";
  return (
    <fieldset className="fieldset pay-methods" aria-describedby={noteId}>
      <legend className="field-label">Способ оплаты</legend>
      <div className="choice choice-column">
        {cards.map((card) => (
          <label key={card.id} className="choice-item">
            <input
              type="radio"
              name={name}
              value={`card:${card.id}`}
              checked={value === `card:${card.id}`}
              onChange={() => onChange({ kind: "saved", cardId: card.id })}
            />
            <span>{cardShort(card)}</span>
          </label>
        ))}
        <label className="choice-item">
          <input type="radio" name={name} value="new" checked={value === "new"} onChange={() => onChange({ kind: "new", save: false })} />
          <span>{newCard}</span>
        </label>
        {choice.kind === "new" && offerSave ? (
          <div className="pay-save">
            <Checkbox label={SAVE_CARD_LABEL} checked={choice.save} onChange={(save) => onChange({ kind: "new", save })} />
          </div>
        ) : null}
        <label className="choice-item">
          <input type="radio" name={name} value="sbp" checked={value === "sbp"} onChange={() => onChange({ kind: "sbp" })} />
          <span>{SBP_LABEL}</span>
        </label>
      </div>
      <p id={noteId} className="muted small">
        {choice.kind === "new" && !offerSave ? choiceNote({ kind: "new", save: false }) : choiceNote(choice)}
      </p>
    </fieldset>
  );
}

/** The QR code of an SBP payment: scanned with another device's camera or the bank's app; on a
 * phone (narrow screen or mobile browser) the payload link opens the bank's app directly. */
export function SbpPanel({ qr, expiresAt = null }: { qr: SbpQr; expiresAt?: string | null }) {
  const phone = useIsPhone();
  const hintId = useId();
  return (
    <section className="card sbp" aria-labelledby={`${hintId}-title`}>
      <h2 id={`${hintId}-title`} className="card-title">
        Оплата через СБП
      </h2>
      <img className="sbp-qr" src={qrImageSource(qr.qr_svg)} alt="QR-код для оплаты через Систему быстрых платежей" width={240} height={240} />
      <ol id={hintId} className="sbp-steps">
        {phone ? <li>Нажмите «Открыть приложение банка» или отсканируйте QR-код с другого устройства.</li> : <li>Откройте приложение своего банка на телефоне и отсканируйте QR-код.</li>}
        <li>Проверьте сумму и получателя, подтвердите платеж в приложении.</li>
        <li>Вернитесь на эту страницу: результат оплаты появится здесь сам.</li>
      </ol>
      {expiresAt ? <p className="muted small">QR-код действует до {formatMoment(expiresAt)}, после этого платеж будет отменен.</p> : null}
      {phone ? (
        <a className="button button-primary sbp-open" href={qr.payload} aria-describedby={hintId}>
          Открыть приложение банка
        </a>
      ) : null}
    </section>
  );
}
