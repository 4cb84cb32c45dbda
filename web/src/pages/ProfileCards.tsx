/** «Сохраненные карты» in «Профиль» (subscribers): the cards the bank keeps for the person
 * (`GET /cards`: brand, masked number, expiry), «Удалить» after a confirmation (`DELETE /cards/{id}`,
 * the bank forgets it too), and, with none, how a card is saved: «Сохранить карту для следующих
 * платежей» ticked when paying. The portal never sees a whole card number. */

import { useId, useState } from "react";

import { api, messageOf } from "../api/client";
import type { SavedCard } from "../api/types";
import { Modal } from "../components/Modal";
import { SAVE_CARD_LABEL } from "../components/PayMethods";
import { LiveMessage, Loading } from "../components/ui";
import { CARD_BRAND, formatDate, formatPan } from "../lib/format";
import { useLoad } from "../lib/hooks";
import { cardName } from "../lib/payMethod";

export const NO_CARDS = `Сохраненных карт нет. Чтобы сохранить карту, при оплате отметьте «${SAVE_CARD_LABEL}»: после успешной оплаты карта появится здесь, и ею можно будет платить, не вводя данные карты.`;

export function SavedCardsSection() {
  const cards = useLoad(() => api.get<SavedCard[]>("/cards"), []);
  const [removing, setRemoving] = useState<SavedCard | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [success, setSuccess] = useState<string | null>(null);

  async function remove(card: SavedCard) {
    setBusy(true);
    setError(null);
    setSuccess(null);
    try {
      await api.delete<null>(`/cards/${encodeURIComponent(card.id)}`);
      setSuccess(`Карта ${cardName(card)} удалена`);
      await cards.reload();
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
      setRemoving(null);
    }
  }

  const list = cards.data ?? [];
  return (
    <section className="card" aria-labelledby="cards-title">
      <h2 id="cards-title" className="card-title">
        Сохраненные карты
      </h2>
      <p className="muted">Картами из этого списка можно оплатить счет без ввода данных карты и подключить автоплатеж. Данные карт хранит банк.</p>
      <LiveMessage error={error ?? cards.error} success={success} />
      {cards.loading && !cards.data ? <Loading label="Загружаем карты…" lines={2} /> : null}
      {cards.data && list.length === 0 ? <p className="empty-note">{NO_CARDS}</p> : null}
      {list.length > 0 ? (
        <ul className="saved-cards" aria-label="Сохраненные карты">
          {list.map((card) => (
            <CardItem key={card.id} card={card} busy={busy} onRemove={() => setRemoving(card)} />
          ))}
        </ul>
      ) : null}
      {removing ? (
        <Modal title="Удалить карту?" onClose={() => setRemoving(null)}>
          <p>
            Карта {cardName(removing)} будет удалена: банк перестанет ее хранить, и платить ею без ввода данных будет нельзя. Позже карту можно
            сохранить снова при оплате.
          </p>
          <div className="form-actions">
            <button type="button" className="button button-danger" disabled={busy} onClick={() => void remove(removing)}>
              {busy ? "Удаление…" : "Удалить"}
            </button>
            <button type="button" className="button button-ghost" onClick={() => setRemoving(null)} data-autofocus="">
              Отмена
            </button>
          </div>
        </Modal>
      ) : null}
    </section>
  );
}

function CardItem({ card, busy, onRemove }: { card: SavedCard; busy: boolean; onRemove: () => void }) {
  const nameId = useId();
  return (
    <li className="saved-card">
      <p className="saved-card-name" id={nameId}>
        <strong>{CARD_BRAND[card.brand] ?? card.brand}</strong> <span className="pan">{formatPan(card.pan_masked)}</span>
      </p>
      <dl className="facts facts-compact">
        <div>
          <dt>Срок действия</dt>
          <dd>{card.expiry}</dd>
        </div>
        <div>
          <dt>Сохранена</dt>
          <dd>{formatDate(card.created_at)}</dd>
        </div>
      </dl>
      <button type="button" className="button button-secondary" aria-describedby={nameId} disabled={busy} onClick={onRemove}>
        Удалить
      </button>
    </li>
  );
}
