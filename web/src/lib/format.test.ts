import { describe, expect, it } from "vitest";

import { formatMoment, pendingNote } from "./format";

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
