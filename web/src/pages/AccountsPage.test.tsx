import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeApi, renderRoute } from "../test/helpers";
import { AccountsPage, proofText } from "./AccountsPage";

afterEach(() => vi.unstubAllGlobals());

const REGIONS = [
  { code: "yalta", name: "Городской округ Ялта" },
  { code: "kerch", name: "Городской округ Керчь" },
];
const EXPLAINED =
  "Указанные данные не совпали с данными биллинга или лицевой счет не найден. Заявку рассмотрит специалист ГУП РК «Крымэнерго» в течение 3 рабочих дней, о решении мы сообщим письмом на адрес электронной почты учетной записи.";
const REJECTED_NOTE = "Исправьте данные в заявке и отправьте ее снова («Редактировать») или отзовите заявку.";

function request(id: string, number: string, status: string, extra: Record<string, unknown> = {}) {
  return {
    id,
    region_code: "kerch",
    number,
    status,
    comment: null,
    created_at: "2026-12-01T10:00:00Z",
    updated_at: "2026-12-01T10:00:00Z",
    proof: { surname_prefix: "АБВ" },
    note: null,
    ...extra,
  };
}

const REQUESTS = [
  request("r1", "91000303", "rejected", { comment: "Буквы не совпадают", note: REJECTED_NOTE }),
  request("r2", "7000001", "pending", { proof: { last_payment_amount: "100.00" }, note: EXPLAINED }),
  request("r3", "7000002", "approved"),
  request("r4", "7000003", "withdrawn"),
];

function section() {
  return screen.getByRole("region", { name: "Заявки на добавление счетов" });
}

describe("«Мои счета»: link requests", () => {
  it("lists only the requests one can still act on, with what was entered and what happens next", async () => {
    fakeApi({
      "GET /api/v1/accounts": { status: 200, body: [] },
      "GET /api/v1/link-requests": { status: 200, body: REQUESTS },
      "GET /api/v1/regions": { status: 200, body: REGIONS },
    });
    renderRoute("/accounts", "/accounts", <AccountsPage />);

    expect(await screen.findByText("Лицевой счет № 91000303")).toBeInTheDocument();
    const cards = within(section()).getAllByRole("listitem");
    expect(cards).toHaveLength(2);
    expect(screen.queryByText("Лицевой счет № 7000002")).toBeNull();
    expect(screen.queryByText("Лицевой счет № 7000003")).toBeNull();
    const [rejected, pending] = cards;
    expect(rejected).toHaveTextContent("Вы указали: первые три буквы фамилии АБВ");
    expect(rejected).toHaveTextContent("Комментарий оператора: Буквы не совпадают");
    expect(rejected).toHaveTextContent(REJECTED_NOTE);
    expect(within(rejected).getByRole("button", { name: "Редактировать заявку по лицевому счету № 91000303" })).toBeInTheDocument();
    expect(within(rejected).getByRole("button", { name: "Отозвать заявку по лицевому счету № 91000303" })).toBeInTheDocument();
    expect(pending).toHaveTextContent(/Вы указали: сумма последнего платежа 100,00\s₽/);
    expect(pending).toHaveTextContent(EXPLAINED);
  });

  it("shows no requests section when every request is decided or withdrawn", async () => {
    fakeApi({
      "GET /api/v1/accounts": { status: 200, body: [] },
      "GET /api/v1/link-requests": { status: 200, body: REQUESTS.slice(2) },
      "GET /api/v1/regions": { status: 200, body: REGIONS },
    });
    renderRoute("/accounts", "/accounts", <AccountsPage />);
    expect(await screen.findByText(/У Вас пока нет привязанных лицевых счетов/)).toBeInTheDocument();
    expect(screen.queryByRole("region", { name: "Заявки на добавление счетов" })).toBeNull();
  });

  it("withdraws a request only after the dialog is confirmed", async () => {
    const seen = fakeApi({
      "GET /api/v1/accounts": { status: 200, body: [] },
      "GET /api/v1/link-requests": [{ status: 200, body: REQUESTS }, { status: 200, body: [REQUESTS[1]] }],
      "GET /api/v1/regions": { status: 200, body: REGIONS },
      "DELETE /api/v1/link-requests/r1": { status: 200, body: { message: "Заявка отозвана" } },
    });
    const user = userEvent.setup();
    renderRoute("/accounts", "/accounts", <AccountsPage />);
    await user.click(await screen.findByRole("button", { name: "Отозвать заявку по лицевому счету № 91000303" }));
    const dialog = screen.getByRole("dialog", { name: "Отозвать заявку?" });
    await user.click(within(dialog).getByRole("button", { name: "Отмена" }));
    expect(seen.filter((call) => call.method === "DELETE")).toHaveLength(0);

    await user.click(screen.getByRole("button", { name: "Отозвать заявку по лицевому счету № 91000303" }));
    await user.click(within(screen.getByRole("dialog", { name: "Отозвать заявку?" })).getByRole("button", { name: "Отозвать" }));
    expect(await screen.findByText("Заявка отозвана")).toBeInTheDocument();
    expect(seen.filter((call) => call.method === "DELETE").map((call) => call.url)).toEqual(["/api/v1/link-requests/r1"]);
    expect(screen.queryByText("Лицевой счет № 91000303")).toBeNull();
  });

  it("says a request is not a link: the manual's sentence and why, as information", async () => {
    fakeApi({
      "GET /api/v1/accounts": { status: 200, body: [] },
      "GET /api/v1/link-requests": { status: 200, body: [] },
      "GET /api/v1/regions": { status: 200, body: REGIONS },
      "POST /api/v1/accounts": {
        status: 202,
        body: { status: "request_created", request: REQUESTS[1], message: "Создана заявка на добавление счета к учетной записи", explanation: EXPLAINED },
      },
    });
    const user = userEvent.setup();
    const { container } = renderRoute("/accounts", "/accounts", <AccountsPage />);
    await user.click(await screen.findByRole("button", { name: "Добавить" }));
    await user.selectOptions(screen.getByLabelText("Регион"), "yalta");
    await user.type(screen.getByLabelText("Номер лицевого счета"), "7000001");
    await user.type(screen.getByRole("textbox", { name: "Сумма последнего платежа" }), "100,00");
    await user.click(screen.getAllByRole("button", { name: "Добавить" })[1]);

    expect(await screen.findByText(`Создана заявка на добавление счета к учетной записи. ${EXPLAINED}`)).toBeInTheDocument();
    expect(container.querySelector(".alert-success")).toBeNull();
    expect(container.querySelector(".alert-info")).not.toBeNull();
  });

  it("says what was entered in words", () => {
    expect(proofText({ surname_prefix: "ИВА" })).toBe("первые три буквы фамилии ИВА");
    expect(proofText({ last_payment_amount: "1523.40" })).toMatch(/^сумма последнего платежа 1\s523,40\s₽$/);
    expect(proofText(null)).toBeNull();
  });
});
