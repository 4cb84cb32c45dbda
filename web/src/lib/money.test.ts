import { describe, expect, it } from "vitest";

import { absMoney, amountForInput, checkAmount, formatMoney, fromKopecks, toKopecks } from "./money";

describe("checkAmount", () => {
  it.each([
    ["1523.40", "1523.40"],
    ["1523,4", "1523.40"],
    ["1 523,40", "1523.40"],
    ["1\u00a0523,40", "1523.40"],
    ["0.01", "0.01"],
    ["007", "7.00"],
    [" 100 ", "100.00"],
  ])("accepts %j as %s", (typed, value) => {
    expect(checkAmount(typed)).toEqual({ ok: true, value });
  });

  it.each([
    ["", "Укажите сумму платежа"],
    ["0", "Сумма платежа должна быть больше нуля"],
    ["0,00", "Сумма платежа должна быть больше нуля"],
    ["12.345", "Сумма указывается с точностью до копейки: не более двух знаков после запятой"],
    ["-5", "Укажите сумму числом, например 1523,40"],
    ["1e3", "Укажите сумму числом, например 1523,40"],
    ["сто", "Укажите сумму числом, например 1523,40"],
    ["1.2.3", "Укажите сумму числом, например 1523,40"],
  ])("refuses %j", (typed, error) => {
    expect(checkAmount(typed)).toEqual({ ok: false, error });
  });

  it("refuses more than the ceiling", () => {
    const result = checkAmount("1000.01", 100_000);
    expect(result.ok).toBe(false);
  });
});

describe("formatting", () => {
  it("groups digits with no-break spaces and uses a decimal comma", () => {
    expect(formatMoney("1523.40")).toBe("1\u00a0523,40\u00a0₽");
    expect(formatMoney("0.00")).toBe("0,00\u00a0₽");
    expect(formatMoney("1234567.05", false)).toBe("1\u00a0234\u00a0567,05");
    expect(formatMoney("-250.00")).toBe("−250,00\u00a0₽");
  });

  it("keeps kopecks exact", () => {
    expect(toKopecks("1523.40")).toBe(152340);
    expect(toKopecks("-0.07")).toBe(-7);
    expect(fromKopecks(152340)).toBe("1523.40");
    expect(fromKopecks(5)).toBe("0.05");
    expect(absMoney("-250.00")).toBe("250.00");
    expect(amountForInput("1523.40")).toBe("1523,40");
  });
});
