import { screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { ACCOUNT, fakeApi, renderRoute } from "../test/helpers";
import { PaymentsPage } from "./PaymentsPage";

afterEach(() => vi.unstubAllGlobals());

const simferopolTime = new Intl.DateTimeFormat("ru-RU", { timeZone: "Europe/Simferopol", hour: "2-digit", minute: "2-digit" });

describe("«Платежи»", () => {
  it("says until when the bank's page of a pending payment lasts, and nothing of the kind for others", async () => {
    const lapses = new Date(Date.now() + 20 * 60_000);
    const item = { source: "online", channel: "lka", card: null, created_at: "2026-11-20T10:00:00Z", paid_at: null, expires_at: null };
    fakeApi({
      "GET /api/v1/accounts": { status: 200, body: [ACCOUNT] },
      "GET /api/v1/accounts/acc-1/payments": {
        status: 200,
        body: [
          { ...item, id: "p2", amount: "321.45", status: "pending", expires_at: lapses.toISOString() },
          { ...item, id: "p1", amount: "456.78", status: "succeeded", paid_at: "2026-11-20T10:00:05Z", card: { brand: "visa", pan_masked: "411111******1111" } },
        ],
      },
    });
    renderRoute("/payments?account=acc-1", "/payments", <PaymentsPage />);

    const rows = await screen.findAllByRole("row");
    const pending = rows.find((row) => row.textContent?.includes("321,45"))!;
    expect(within(pending).getByText("В обработке")).toBeInTheDocument();
    expect(pending).toHaveTextContent(`Страница банка действует до ${simferopolTime.format(lapses)}, после этого платеж будет отменен`);
    const paid = rows.find((row) => row.textContent?.includes("456,78"))!;
    expect(within(paid).getByText("Оплачен")).toBeInTheDocument();
    expect(paid).not.toHaveTextContent(/Страница банка/);
  });
});
