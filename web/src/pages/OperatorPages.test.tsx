import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeApi, renderRoute } from "../test/helpers";
import { OperatorLinkRequestsPage } from "./OperatorPages";

afterEach(() => vi.unstubAllGlobals());

const QUEUE = "GET /api/v1/operator/link-requests?status=pending";
const REGIONS = [{ code: "simferopol", name: "Городской округ Симферополь" }];

const CARD = {
  id: "r1",
  user_id: "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d",
  region_code: "simferopol",
  number: "91000101",
  status: "pending",
  comment: null,
  created_at: "2026-12-01T10:00:00Z",
  updated_at: "2026-12-01T10:00:00Z",
  requester_email: "iv***@mail.ru",
  proof: { last_payment_amount: "1100.00" },
  billing: { surname_prefix: "ИВА", last_payment: { amount: "1200.00", date: "2026-10-15" }, proof_matches: false },
  history: {
    requests: [
      { id: "r0", requester_email: "pe***@mail.ru", status: "rejected", created_at: "2026-11-20T10:00:00Z", updated_at: "2026-11-21T10:00:00Z", decided_at: "2026-11-21T10:00:00Z" },
    ],
    failed_attempts: { days: 30, count: 3, times: ["2026-12-01T10:00:00Z"] },
  },
};
const UNKNOWN = { ...CARD, id: "r2", number: "96000001", proof: { surname_prefix: "ИВА" }, billing: null, history: { requests: [], failed_attempts: { days: 30, count: 1, times: [] } } };

function card(number: string) {
  return screen.getByText(`Лицевой счет № ${number}`).closest("li") as HTMLElement;
}

describe("the operators' queue", () => {
  it("shows who asked, what they entered beside billing's data, and the account's history", async () => {
    fakeApi({ [QUEUE]: { status: 200, body: [CARD, UNKNOWN] }, "GET /api/v1/regions": { status: 200, body: REGIONS } });
    renderRoute("/operator/link-requests", "/operator/link-requests", <OperatorLinkRequestsPage />);

    await screen.findByText("Лицевой счет № 91000101");
    const known = card("91000101");
    expect(known).toHaveTextContent("абонент iv***@mail.ru");
    expect(known).not.toHaveTextContent(CARD.user_id);
    const table = within(known).getByRole("table", { name: "Сверка с данными биллинга" });
    const amount = within(table).getByRole("row", { name: /Сумма последнего платежа/ });
    expect(amount).toHaveTextContent(/1\s100,00\s₽/);
    expect(amount).toHaveTextContent(/1\s200,00\s₽ от 15\.10\.2026/);
    expect(within(table).getByRole("row", { name: /Первые три буквы фамилии/ })).toHaveTextContent("ИВА");
    expect(known).toHaveTextContent("Указанные данные не совпадают с данными биллинга");
    const history = within(known).getByRole("region", { name: "История по счету" });
    expect(history).toHaveTextContent("pe***@mail.ru · Отклонена");
    expect(history).toHaveTextContent("Неудачных попыток привязать счет за 30 дней: 3");

    const lost = card("96000001");
    expect(lost).toHaveTextContent("Счет не найден в биллинге");
    expect(lost).toHaveTextContent("Других заявок по этому счету не было.");
    expect(lost).not.toHaveTextContent("1 200,00");
  });

  it("approves only once the dialog is confirmed", async () => {
    const seen = fakeApi({
      [QUEUE]: [{ status: 200, body: [CARD] }, { status: 200, body: [] }],
      "GET /api/v1/regions": { status: 200, body: REGIONS },
      "POST /api/v1/operator/link-requests/r1/approve": { status: 200, body: { ...CARD, status: "approved" } },
    });
    const user = userEvent.setup();
    renderRoute("/operator/link-requests", "/operator/link-requests", <OperatorLinkRequestsPage />);
    await user.click(await screen.findByRole("button", { name: "Одобрить" }));
    const dialog = screen.getByRole("dialog", { name: "Одобрить заявку?" });
    expect(dialog).toHaveTextContent("iv***@mail.ru");
    await user.click(within(dialog).getByRole("button", { name: "Отмена" }));
    expect(seen.filter((call) => call.method === "POST")).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Одобрить" }));
    await user.click(within(screen.getByRole("dialog", { name: "Одобрить заявку?" })).getByRole("button", { name: "Одобрить" }));
    expect(await screen.findByText("Заявка по счету № 91000101 одобрена: счет привязан")).toBeInTheDocument();
    expect(seen.filter((call) => call.method === "POST").map((call) => call.url)).toEqual(["/api/v1/operator/link-requests/r1/approve"]);
  });

  it("asks for the reason of a rejection at the field, and sends it once given", async () => {
    const seen = fakeApi({
      [QUEUE]: [{ status: 200, body: [CARD] }, { status: 200, body: [] }],
      "GET /api/v1/regions": { status: 200, body: REGIONS },
      "POST /api/v1/operator/link-requests/r1/reject": { status: 200, body: { ...CARD, status: "rejected" } },
    });
    const user = userEvent.setup();
    renderRoute("/operator/link-requests", "/operator/link-requests", <OperatorLinkRequestsPage />);
    await user.click(await screen.findByRole("button", { name: "Отклонить" }));
    const dialog = screen.getByRole("dialog", { name: "Отклонить заявку?" });
    const reason = within(dialog).getByLabelText("Причина отказа (ее увидит абонент)");
    expect(reason).toHaveFocus();
    await user.type(reason, "   ");
    await user.click(within(dialog).getByRole("button", { name: "Отклонить заявку" }));
    expect(reason).toHaveAttribute("aria-invalid", "true");
    expect(reason).toHaveAccessibleDescription("Укажите причину отказа");
    expect(seen.filter((call) => call.method === "POST")).toHaveLength(0);

    await user.type(reason, "Сумма не совпадает");
    await user.click(within(dialog).getByRole("button", { name: "Отклонить заявку" }));
    expect(await screen.findByText("Заявка по счету № 91000101 отклонена")).toBeInTheDocument();
    const [sent] = seen.filter((call) => call.method === "POST");
    expect(sent.body).toEqual({ comment: "Сумма не совпадает" });
  });

  it("shows the API's refusal of a blank reason at the field too", async () => {
    fakeApi({
      [QUEUE]: { status: 200, body: [CARD] },
      "GET /api/v1/regions": { status: 200, body: REGIONS },
      "POST /api/v1/operator/link-requests/r1/reject": {
        status: 422,
        body: { code: "validation_error", detail: "Проверьте правильность заполнения полей", errors: [{ field: "body.comment", message: "Укажите причину отказа" }] },
      },
    });
    const user = userEvent.setup();
    renderRoute("/operator/link-requests", "/operator/link-requests", <OperatorLinkRequestsPage />);
    await user.click(await screen.findByRole("button", { name: "Отклонить" }));
    const dialog = screen.getByRole("dialog", { name: "Отклонить заявку?" });
    const reason = within(dialog).getByLabelText("Причина отказа (ее увидит абонент)");
    await user.type(reason, "x");
    await user.click(within(dialog).getByRole("button", { name: "Отклонить заявку" }));
    expect(await within(dialog).findByText("Укажите причину отказа")).toBeInTheDocument();
    expect(reason).toHaveAttribute("aria-invalid", "true");
  });
});
