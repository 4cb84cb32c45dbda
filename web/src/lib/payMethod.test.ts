import { describe, expect, it } from "vitest";

import type { SavedCard } from "../api/types";
import { cardName, cardShort, choiceValue, defaultChoice, effectiveChoice, methodOf, paymentBody } from "./payMethod";

const OLD: SavedCard = { id: "c1", brand: "mir", pan_masked: "220220******1234", expiry: "01/29", created_at: "2026-11-01T10:00:00Z" };
const NEW: SavedCard = { id: "c2", brand: "visa", pan_masked: "411111******1111", expiry: "12/30", created_at: "2026-12-01T10:00:00Z" };

describe("the way to pay", () => {
  it("opens with the newest saved card, else a new card that is not kept", () => {
    expect(defaultChoice([OLD, NEW])).toEqual({ kind: "saved", cardId: "c2" });
    expect(defaultChoice([])).toEqual({ kind: "new", save: false });
    expect(defaultChoice(undefined)).toEqual({ kind: "new", save: false });
  });

  it("keeps what the payer chose, unless it was a card that is gone", () => {
    expect(effectiveChoice(null, [OLD])).toEqual({ kind: "saved", cardId: "c1" });
    expect(effectiveChoice({ kind: "sbp" }, [OLD])).toEqual({ kind: "sbp" });
    expect(effectiveChoice({ kind: "saved", cardId: "c1" }, [OLD, NEW])).toEqual({ kind: "saved", cardId: "c1" });
    expect(effectiveChoice({ kind: "saved", cardId: "gone" }, [NEW])).toEqual({ kind: "saved", cardId: "c2" });
    expect(effectiveChoice({ kind: "saved", cardId: "gone" }, [])).toEqual({ kind: "new", save: false });
  });

  it("makes the body the API takes: card_id for a saved card, save_card only when asked, neither for SBP", () => {
    expect(paymentBody("a1", "10.00", { kind: "new", save: false })).toEqual({ account_id: "a1", amount: "10.00", method: "card" });
    expect(paymentBody("a1", "10.00", { kind: "new", save: true })).toEqual({ account_id: "a1", amount: "10.00", method: "card", save_card: true });
    expect(paymentBody("a1", "10.00", { kind: "saved", cardId: "c2" })).toEqual({ account_id: "a1", amount: "10.00", method: "card", card_id: "c2" });
    expect(paymentBody("a1", "10.00", { kind: "sbp" })).toEqual({ account_id: "a1", amount: "10.00", method: "sbp" });
    expect(methodOf({ kind: "sbp" })).toBe("sbp");
    expect(methodOf({ kind: "saved", cardId: "c2" })).toBe("card");
  });

  it("gives each choice its own radio value", () => {
    const values = [{ kind: "saved", cardId: "c1" } as const, { kind: "saved", cardId: "c2" } as const, { kind: "new", save: true } as const, { kind: "sbp" } as const].map(choiceValue);
    expect(new Set(values).size).toBe(4);
  });

  it("names a card as a person reads it", () => {
    expect(cardName(NEW)).toBe("Visa 4111 11•• •••• 1111");
    expect(cardShort(NEW)).toBe("Visa •••• 1111, до 12/30");
    expect(cardShort(OLD)).toBe("Мир •••• 1234, до 01/29");
  });
});
