import { describe, expect, it } from "vitest";

import { autopayCard, autopaySummary, checkAutopay, DAYS } from "./autopay";

const CARD = { id: "c1", brand: "visa" as const, pan_masked: "411111******1111", expiry: "12/30", created_at: "2026-12-01T10:00:00Z" };

describe("autopay", () => {
  it("offers the days 1 to 28", () => {
    expect(DAYS[0]).toBe(1);
    expect(DAYS[DAYS.length - 1]).toBe(28);
    expect(DAYS).toHaveLength(28);
  });

  it("checks the card, the day and the limit, and makes the API's body", () => {
    expect(checkAutopay({ cardId: "c1", day: "15", maxAmount: "3 000,5" })).toEqual({
      ok: true,
      body: { card_id: "c1", day_of_month: 15, max_amount: "3000.50" },
    });
    expect(checkAutopay({ cardId: "", day: "29", maxAmount: "" })).toEqual({
      ok: false,
      fields: { card_id: "Выберите карту", day_of_month: "Выберите день месяца с 1 по 28", max_amount: "Укажите наибольшую сумму списания" },
    });
    expect(checkAutopay({ cardId: "c1", day: "0", maxAmount: "0" })).toMatchObject({ ok: false, fields: { day_of_month: expect.any(String), max_amount: "Сумма платежа должна быть больше нуля" } });
  });

  it("says the setting in words, with its card", () => {
    const setting = { day_of_month: 5, max_amount: "3000.00" };
    expect(autopaySummary(setting)).toBe("Ежемесячно 5-го числа, не более 3\u00a0000,00\u00a0₽");
    expect(autopayCard({ card: CARD })).toBe("Visa 4111 11•• •••• 1111");
    expect(autopayCard({ card: null })).toBeNull();
  });
});
