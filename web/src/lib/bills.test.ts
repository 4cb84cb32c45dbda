import { describe, expect, it } from "vitest";

import {
  apiPath,
  billFilename,
  billTitle,
  dispositionFilename,
  estimateSentence,
  estimateText,
  formatPrice,
  openingBalance,
  periodWithYear,
  totalDue,
} from "./bills";
import { periodName } from "./format";

const NBSP = "\u00a0";

describe("a billing period in Russian", () => {
  it("is the month's name and the year", () => {
    expect(periodName("2026-11")).toBe("ноябрь 2026");
    expect(periodName("2027-01")).toBe("январь 2027");
    expect(periodName("2026-05")).toBe("май 2026");
  });

  it("takes «г.» after «за», and leaves what is not a period alone", () => {
    expect(periodWithYear("2026-12")).toBe("декабрь 2026 г.");
    expect(periodWithYear("2026-13")).toBe("2026-13");
    expect(billTitle({ period: "2026-11" })).toBe("Квитанция за ноябрь 2026 г.");
  });
});

describe("an estimate", () => {
  const estimate = { amount: "97.45", period: "2026-12", tariff_id: "E2E-2Z" };

  it("is said as a preliminary figure with its month and tariff", () => {
    expect(estimateText(estimate)).toBe(`Предварительный расчет: 97,45${NBSP}₽ за декабрь 2026 г. по тарифу «E2E-2Z»`);
  });

  it("is never said as a debt, and is nothing when the API has none", () => {
    const sentence = estimateSentence(estimate)!;
    expect(sentence).toMatch(/^Предварительный расчет: 97,45/);
    expect(sentence).toContain("а не задолженность");
    expect(sentence).not.toMatch(/задолженность:|к оплате:/i);
    expect(estimateSentence(null)).toBeNull();
    expect(estimateSentence(undefined)).toBeNull();
  });

  it("groups thousands with a no-break space", () => {
    expect(estimateText({ ...estimate, amount: "12345.6" })).toContain(`12${NBSP}345,60${NBSP}₽`);
  });
});

describe("a bill's money", () => {
  it("says what is due, or an overpayment as a positive figure", () => {
    expect(totalDue({ total_due: "1308.01" })).toEqual({ label: "К оплате", amount: `1${NBSP}308,01${NBSP}₽`, overpaid: false });
    expect(totalDue({ total_due: "-250.00" })).toEqual({ label: "Переплата", amount: `250,00${NBSP}₽`, overpaid: true });
    expect(totalDue({ total_due: "0.00" }).label).toBe("К оплате");
  });

  it("says the opening balance as a debt or an overpayment", () => {
    expect(openingBalance({ opening_balance: "1523.40" }).label).toBe("Задолженность на начало месяца");
    expect(openingBalance({ opening_balance: "-10.5" })).toEqual({ label: "Переплата на начало месяца", amount: `10,50${NBSP}₽`, overpaid: true });
  });

  it("prices a kWh in roubles", () => {
    expect(formatPrice("6.49")).toBe(`6,49${NBSP}₽/кВт·ч`);
  });
});

describe("the PDF", () => {
  it("is asked for under the client's own prefix", () => {
    expect(apiPath("/api/v1/accounts/a1/bills/B-1.pdf")).toBe("/accounts/a1/bills/B-1.pdf");
    expect(apiPath("/accounts/a1/bills/B-1.pdf")).toBe("/accounts/a1/bills/B-1.pdf");
  });

  it("keeps the name the server gives it, else names itself", () => {
    expect(dispositionFilename('inline; filename="kvitanciya-91000202-2026-11.pdf"')).toBe("kvitanciya-91000202-2026-11.pdf");
    expect(dispositionFilename("attachment; filename=bill.pdf")).toBe("bill.pdf");
    expect(dispositionFilename("inline; filename*=UTF-8''%D0%BA%D0%B2%D0%B8%D1%82.pdf")).toBe("квит.pdf");
    expect(dispositionFilename("inline")).toBeNull();
    expect(dispositionFilename(null)).toBeNull();
    expect(billFilename("91000202", "2026-11")).toBe("kvitanciya-91000202-2026-11.pdf");
    expect(billFilename(undefined, "2026-11")).toBe("kvitanciya-2026-11.pdf");
  });
});
