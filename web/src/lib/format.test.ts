import { describe, expect, it } from "vitest";

import { formatMoment, pendingNote, plural, PROCESSING_NOTE } from "./format";

// 10:15 UTC is 13:15 in Simferopol (UTC+3, no daylight saving).
const now = new Date("2026-11-20T10:15:00Z");

describe("when a pending payment's card page lapses", () => {
  it("is a time of day on the same day in Simferopol, with the date on another", () => {
    expect(formatMoment("2026-11-20T10:35:00Z", now)).toBe("13:35");
    expect(formatMoment("2026-11-20T21:10:00Z", now)).toBe("21.11.2026 00:10");
  });

  it("says until when the bank's page lasts, and that the payment is then cancelled", () => {
    expect(pendingNote("2026-11-20T10:35:00Z", now)).toBe("Страница банка действует до 13:35, после этого платеж будет отменен");
  });

  it("says the time ran out once it has", () => {
    expect(pendingNote("2026-11-20T10:05:00Z", now)).toBe(
      "Время на оплату истекло в 13:05: если оплата не была завершена, платеж будет отменен",
    );
  });

  it("says nothing without the time", () => {
    expect(pendingNote(null, now)).toBeNull();
    expect(pendingNote(undefined, now)).toBeNull();
    expect(pendingNote("not a time", now)).toBeNull();
  });
});

describe("words", () => {
  it("says a count with its Russian plural", () => {
    const digits = (n: number) => `${n} ${plural(n, "цифра", "цифры", "цифр")}`;
    expect([1, 2, 4, 5, 6, 11, 14, 21, 22, 25].map(digits)).toEqual([
      "1 цифра",
      "2 цифры",
      "4 цифры",
      "5 цифр",
      "6 цифр",
      "11 цифр",
      "14 цифр",
      "21 цифра",
      "22 цифры",
      "25 цифр",
    ]);
  });

  it("writes the manual's 1–3 working days with a dash that does not break", () => {
    expect(PROCESSING_NOTE).toContain("1–3 рабочих дня");
  });
});
