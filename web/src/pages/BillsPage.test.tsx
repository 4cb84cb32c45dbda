import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { ACCOUNT, fakeApi, renderRoute } from "../test/helpers";
import { BillPage, BillsPage } from "./BillsPage";

afterEach(() => vi.unstubAllGlobals());

const BILL = {
  id: "B-91000101-2026-11",
  period: "2026-11",
  issued_at: "2026-12-01T08:00:00Z",
  opening_balance: "1523.40",
  lines: [
    { title: "Электроэнергия, день", zone: "T1", quantity_kwh: 127, price: "6.49", amount: "824.23" },
    { title: "Электроэнергия, ночь", zone: "T2", quantity_kwh: 45.5, price: "3.25", amount: "147.88" },
  ],
  charged: "972.11",
  payments: "1200.00",
  penalty: "12.50",
  total_due: "1308.01",
  due_date: "2026-12-10",
  pdf_url: "/api/v1/accounts/acc-1/bills/B-91000101-2026-11.pdf",
};

const flat = (text: string | null) => (text ?? "").replace(/\s+/g, " ");

describe("«Квитанции»", () => {
  it("lists an account's bills with the month in Russian, the total, the due date and the PDF", async () => {
    fakeApi({
      "GET /api/v1/accounts": { status: 200, body: [ACCOUNT] },
      "GET /api/v1/accounts/acc-1/bills": { status: 200, body: [BILL] },
      "GET /api/v1/accounts/acc-1/paperless": { status: 200, body: { account_id: "acc-1", enabled: false } },
    });
    renderRoute("/bills?account=acc-1", "/bills", <BillsPage />);
    const row = (await screen.findByRole("rowheader", { name: "ноябрь 2026" })).closest("tr")!;
    expect(flat(row.textContent)).toContain("1 308,01 ₽");
    expect(row).toHaveTextContent("10.12.2026");
    const pdf = within(row).getByRole("link", { name: "Скачать PDF: квитанция за ноябрь 2026 г." });
    expect(pdf).toHaveAttribute("href", BILL.pdf_url);
    expect(within(row).getByRole("link", { name: /Подробнее/ })).toHaveAttribute("href", "/bills/acc-1/B-91000101-2026-11");
  });

  it("says so when there are no bills yet", async () => {
    fakeApi({
      "GET /api/v1/accounts": { status: 200, body: [ACCOUNT] },
      "GET /api/v1/accounts/acc-1/bills": { status: 200, body: [] },
      "GET /api/v1/accounts/acc-1/paperless": { status: 200, body: { account_id: "acc-1", enabled: false } },
    });
    renderRoute("/bills?account=acc-1", "/bills", <BillsPage />);
    expect(await screen.findByText(/Квитанций по этому счету пока нет/)).toBeInTheDocument();
  });

  it("turns paperless on and off, says what the server said, and shows the API's refusal", async () => {
    const on = "Бумажная квитанция больше не будет доставляться: новые квитанции будут приходить на адрес электронной почты учетной записи";
    const seen = fakeApi({
      "GET /api/v1/accounts": { status: 200, body: [ACCOUNT] },
      "GET /api/v1/accounts/acc-1/bills": { status: 200, body: [] },
      "GET /api/v1/accounts/acc-1/paperless": { status: 200, body: { account_id: "acc-1", enabled: false } },
      "PUT /api/v1/accounts/acc-1/paperless": [
        { status: 200, body: { account_id: "acc-1", enabled: true, message: on } },
        { status: 200, body: { account_id: "acc-1", enabled: false, message: "Квитанции снова будут доставляться на бумаге" } },
        { status: 403, body: { code: "staff_not_allowed", detail: "Действие доступно только абонентам" } },
      ],
    });
    const user = userEvent.setup();
    renderRoute("/bills?account=acc-1", "/bills", <BillsPage />);
    const toggle = await screen.findByRole("switch", { name: "Электронная квитанция вместо бумажной" });
    expect(toggle).not.toBeChecked();
    expect(toggle).toHaveAccessibleDescription(/с квитанцией в формате PDF во вложении/);

    await user.click(toggle);
    expect(await screen.findByText(on)).toBeInTheDocument();
    expect(toggle).toBeChecked();
    expect(seen.at(-1)).toMatchObject({ method: "PUT", body: { enabled: true } });

    await user.click(toggle);
    expect(await screen.findByText("Квитанции снова будут доставляться на бумаге")).toBeInTheDocument();
    expect(toggle).not.toBeChecked();

    await user.click(toggle);
    expect(await screen.findByText("Действие доступно только абонентам")).toBeInTheDocument();
    expect(toggle).not.toBeChecked();
  });
});

describe("a bill in full", () => {
  it("shows its lines per zone and how the total comes about", async () => {
    fakeApi({
      "GET /api/v1/accounts": { status: 200, body: [ACCOUNT] },
      "GET /api/v1/accounts/acc-1/bills/B-91000101-2026-11": { status: 200, body: BILL },
    });
    renderRoute("/bills/acc-1/B-91000101-2026-11", "/bills/:accountId/:billId", <BillPage />);
    expect(await screen.findByRole("heading", { level: 1, name: "Квитанция за ноябрь 2026 г." })).toBeInTheDocument();
    const day = screen.getByRole("rowheader", { name: "Электроэнергия, день" }).closest("tr")!;
    expect(Array.from(day.children, (cell) => flat(cell.textContent))).toEqual(["Электроэнергия, день", "T1", "127", "6,49 ₽/кВт·ч", "824,23 ₽"]);
    const night = screen.getByRole("rowheader", { name: "Электроэнергия, ночь" }).closest("tr")!;
    expect(flat(night.textContent)).toContain("45,5");
    const totals = flat(screen.getByRole("region", { name: "Расчет суммы к оплате" }).textContent);
    for (const part of ["Задолженность на начало месяца1 523,40 ₽", "Оплачено в течение месяца1 200,00 ₽", "Пеня12,50 ₽", "Оплатить до10.12.2026", "К оплате1 308,01 ₽"]) {
      expect(totals).toContain(part);
    }
    expect(await screen.findByText(/Лицевой счет № 91000101/)).toBeInTheDocument();
  });

  it("shows the API's words when the bill is not there", async () => {
    fakeApi({
      "GET /api/v1/accounts": { status: 200, body: [ACCOUNT] },
      "GET /api/v1/accounts/acc-1/bills/nope": { status: 404, body: { code: "not_found", detail: "Квитанция не найдена" } },
    });
    renderRoute("/bills/acc-1/nope", "/bills/:accountId/:billId", <BillPage />);
    expect(await screen.findByRole("alert")).toHaveTextContent("Квитанция не найдена");
  });
});
