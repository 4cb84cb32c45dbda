import { describe, expect, it } from "vitest";

import { INVALID_ACCOUNT_NUMBER, initialFromRequest, linkBody, type LinkFormValues } from "./LinkForm";

const VALUES: LinkFormValues = { region: "yalta", number: "91000202", proof: "payment", amount: "950,00", letters: "" };

describe("the link form's values", () => {
  it.each(["12ab", "91 000202", "91-000202", "Л91000202", "1".repeat(21)])("refuse the number %s at the field", (number) => {
    const result = linkBody({ ...VALUES, number });
    expect(result).toEqual({ errors: { number: INVALID_ACCOUNT_NUMBER } });
  });

  it("take 1-20 digits, trimmed", () => {
    expect(linkBody({ ...VALUES, number: " 91000202 " })).toEqual({
      body: { region_code: "yalta", number: "91000202", last_payment_amount: "950.00" },
    });
    expect("body" in linkBody({ ...VALUES, number: "1".repeat(20) })).toBe(true);
  });

  it("start «Редактирование заявки» from what the subscriber entered", () => {
    expect(initialFromRequest({ region_code: "kerch", number: "91000303", proof: { last_payment_amount: "3000.01" } })).toEqual({
      region: "kerch",
      number: "91000303",
      proof: "payment",
      amount: "3000,01",
    });
    expect(initialFromRequest({ region_code: "kerch", number: "91000303", proof: { surname_prefix: "АБВ" } })).toEqual({
      region: "kerch",
      number: "91000303",
      proof: "surname",
      letters: "АБВ",
    });
    expect(initialFromRequest({ region_code: "kerch", number: "91000303", proof: null })).toEqual({ region: "kerch", number: "91000303" });
  });
});
