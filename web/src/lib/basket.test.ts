import { describe, expect, it } from "vitest";

import type { Account } from "../api/types";
import { ACCOUNT } from "../test/helpers";
import { basketFieldErrors, basketTotal, checkBasket, formatTotal, initialLines, type BasketLine } from "./basket";

const account = (id: string, due: string): Account => ({ ...ACCOUNT, id, amount_due: due });

describe("the basket", () => {
  it("opens with every account's amount due, chosen when something is due (ten at most)", () => {
    const lines = initialLines([account("a", "1523.40"), account("b", "0.00"), account("c", "-12.00"), account("d", "10.05")]);
    expect(lines).toEqual([
      { accountId: "a", chosen: true, amount: "1523,40" },
      { accountId: "b", chosen: false, amount: "" },
      { accountId: "c", chosen: false, amount: "" },
      { accountId: "d", chosen: true, amount: "10,05" },
    ]);
    const many = initialLines(Array.from({ length: 12 }, (_, i) => account(`x${i}`, "1.00")));
    expect(many.filter((line) => line.chosen)).toHaveLength(10);
  });

  it("totals the chosen lines in kopecks, exactly, skipping what is not an amount yet", () => {
    const lines: BasketLine[] = [
      { accountId: "a", chosen: true, amount: "0,10" },
      { accountId: "b", chosen: true, amount: "0,20" },
      { accountId: "c", chosen: false, amount: "1000" },
      { accountId: "d", chosen: true, amount: "12,3,4" },
      { accountId: "e", chosen: true, amount: "1 000,5" },
    ];
    expect(basketTotal(lines)).toBe(100_080);
    expect(formatTotal(basketTotal(lines))).toBe("1\u00a0000,80\u00a0₽");
    expect(basketTotal([])).toBe(0);
  });

  it("wants two to ten accounts, each with an amount", () => {
    const line = (id: string, amount = "5,00", chosen = true): BasketLine => ({ accountId: id, chosen, amount });
    expect(checkBasket([line("a"), line("b", "5", false)])).toEqual({ ok: false, error: "Выберите не менее двух лицевых счетов", fields: {} });
    const eleven = Array.from({ length: 11 }, (_, i) => line(`x${i}`));
    expect(checkBasket(eleven)).toMatchObject({ ok: false, error: "За один платеж можно оплатить не более 10 лицевых счетов" });
    expect(checkBasket([line("a"), line("b", "0")])).toEqual({
      ok: false,
      error: "Проверьте суммы платежей",
      fields: { b: "Сумма платежа должна быть больше нуля" },
    });
    expect(checkBasket([line("a", "1523,40"), line("b", "7"), line("c", "", false)])).toEqual({
      ok: true,
      items: [
        { account_id: "a", amount: "1523.40" },
        { account_id: "b", amount: "7.00" },
      ],
    });
  });

  it("puts the API's item errors next to their accounts", () => {
    const items = [
      { account_id: "a", amount: "1.00" },
      { account_id: "b", amount: "2.00" },
    ];
    expect(basketFieldErrors({ "items.1.amount": "Сумма слишком велика", other: "x" }, items)).toEqual({ b: "Сумма слишком велика" });
  });
});
