/** The second wave's screens: saved cards in «Профиль», SBP's QR code on the result page, the
 * basket and its result page, autopay on an account's card. */

import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { MemoryRouter, Route, Routes } from "react-router";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

import { AutopayPanel } from "../components/Autopay";
import { BasketDialog } from "../components/BasketDialog";
import { browser } from "../components/PayDialog";
import { qrImageSource } from "../lib/qr";
import { ACCOUNT, fakeApi, renderRoute } from "../test/helpers";
import { BasketResultPage } from "./BasketResultPage";
import { NO_CARDS, SavedCardsSection } from "./ProfileCards";
import { resultPolling } from "../components/PaymentOutcome";
import { PaymentResultPage } from "./PaymentResultPage";

const CARD = { id: "c1", brand: "visa" as const, pan_masked: "411111******1111", expiry: "12/30", created_at: "2026-12-01T10:00:00Z" };
const SBP = { qr_id: "AD1", payload: "https://qr.nspk.ru/AD1?type=02&sum=152340", qr_svg: "<svg xmlns='http://www.w3.org/2000/svg'></svg>" };
const AUTOPAY = {
  account_id: "acc-1",
  account_number: "91000101",
  status: "active",
  disabled_reason: null,
  message: null,
  card: CARD,
  day_of_month: 15,
  max_amount: "3000.00",
  next_payment_date: "2026-12-15",
  last_attempt: null,
};
const SECOND = { ...ACCOUNT, id: "acc-2", number: "91000202", address: "г. Ялта, ул. Морская, д. 1", amount_due: "100.10" };

function setWidth(narrow: boolean) {
  vi.stubGlobal("matchMedia", (query: string) => ({
    matches: narrow,
    media: query,
    addEventListener: () => {},
    removeEventListener: () => {},
  }));
}

beforeEach(() => {
  resultPolling.intervalMs = 20;
  resultPolling.sbpIntervalMs = 20;
  setWidth(false);
});

afterEach(() => {
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
  sessionStorage.clear();
  resultPolling.intervalMs = 1500;
  resultPolling.sbpIntervalMs = 3000;
});

describe("«Сохраненные карты»", () => {
  it("says how a card gets saved when there is none", async () => {
    fakeApi({ "GET /api/v1/cards": { status: 200, body: [] } });
    render(<SavedCardsSection />);
    expect(await screen.findByText(NO_CARDS)).toBeInTheDocument();
    expect(NO_CARDS).toContain("«Сохранить карту для следующих платежей»");
  });

  it("lists a card and removes it only after the confirmation", async () => {
    const seen = fakeApi({
      "GET /api/v1/cards": [{ status: 200, body: [CARD] }, { status: 200, body: [] }],
      "DELETE /api/v1/cards/c1": { status: 204 },
    });
    const user = userEvent.setup();
    render(<div id="root"><SavedCardsSection /></div>);
    const list = await screen.findByRole("list", { name: "Сохраненные карты" });
    expect(within(list).getByText("4111 11•• •••• 1111")).toBeInTheDocument();
    expect(within(list).getByText("12/30")).toBeInTheDocument();
    await user.click(within(list).getByRole("button", { name: "Удалить" }));
    const dialog = screen.getByRole("dialog", { name: "Удалить карту?" });
    await user.click(within(dialog).getByRole("button", { name: "Отмена" }));
    expect(seen.filter((c) => c.method === "DELETE")).toHaveLength(0);
    await user.click(within(list).getByRole("button", { name: "Удалить" }));
    await user.click(within(screen.getByRole("dialog")).getByRole("button", { name: "Удалить" }));
    expect(await screen.findByText("Карта Visa 4111 11•• •••• 1111 удалена")).toBeInTheDocument();
    expect(await screen.findByText(NO_CARDS)).toBeInTheDocument();
    expect(seen.filter((c) => c.method === "DELETE")).toHaveLength(1);
  });
});

const sbpPending = {
  id: "p9",
  account_id: "acc-1",
  account_number: "91000101",
  amount: "1523.40",
  status: "pending",
  method: "sbp",
  card: null,
  failure_reason: null,
  message: "Платеж обрабатывается банком",
  created_at: "2026-12-01T10:00:00Z",
  paid_at: null,
  expires_at: "2026-12-01T10:20:00Z",
};

describe("the result page of an SBP payment", () => {
  it("shows the QR code and waits, then the outcome", async () => {
    sessionStorage.setItem("lka-sbp-p9", JSON.stringify(SBP));
    fakeApi({
      "GET /api/v1/payments/p9": [
        { status: 200, body: sbpPending },
        { status: 200, body: sbpPending },
        { status: 200, body: { ...sbpPending, status: "succeeded", message: "Оплата прошла успешно", paid_at: "2026-12-01T10:01:00Z", expires_at: null } },
      ],
    });
    renderRoute("/payments/p9/result", "/payments/:id/result", <PaymentResultPage />);
    expect(await screen.findByText("Ожидаем оплату…")).toBeInTheDocument();
    expect(screen.getByRole("img", { name: /QR-код для оплаты/ })).toHaveAttribute("src", qrImageSource(SBP.qr_svg));
    expect(screen.queryByRole("link", { name: "Открыть приложение банка" })).not.toBeInTheDocument();
    expect(await screen.findByText("Оплата прошла успешно")).toBeInTheDocument();
    expect(screen.queryByRole("img", { name: /QR-код/ })).not.toBeInTheDocument();
    expect(screen.getByText("СБП")).toBeInTheDocument();
  });

  it("on a phone offers «Открыть приложение банка» with the QR code's link", async () => {
    setWidth(true);
    sessionStorage.setItem("lka-sbp-p9", JSON.stringify(SBP));
    fakeApi({ "GET /api/v1/payments/p9": { status: 200, body: sbpPending } });
    renderRoute("/payments/p9/result", "/payments/:id/result", <PaymentResultPage />);
    expect(await screen.findByRole("link", { name: "Открыть приложение банка" })).toHaveAttribute("href", SBP.payload);
  });
});

describe("«Оплатить несколько счетов»", () => {
  function open() {
    return render(
      <MemoryRouter initialEntries={["/accounts"]}>
        <div id="root">
          <Routes>
            <Route path="/accounts" element={<BasketDialog accounts={[ACCOUNT, SECOND]} onClose={() => {}} />} />
            <Route path="/payments/baskets/:id/result" element={<p>result</p>} />
          </Routes>
        </div>
      </MemoryRouter>,
    );
  }

  it("prefills the amounts due, keeps the total, and wants two accounts", async () => {
    const seen = fakeApi({});
    const user = userEvent.setup();
    open();
    const first = screen.getByLabelText("Сумма по лицевому счету № 91000101, ₽");
    expect(first).toHaveValue("1523,40");
    expect(screen.getByText("1 623,50 ₽")).toBeInTheDocument();
    await user.clear(first);
    await user.type(first, "1000");
    expect(screen.getByText("1 100,10 ₽")).toBeInTheDocument();
    await user.click(screen.getByRole("checkbox", { name: /91000202/ }));
    expect(screen.getByLabelText("Сумма по лицевому счету № 91000202, ₽")).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Оплатить" }));
    expect(await screen.findByText("Выберите не менее двух лицевых счетов")).toBeInTheDocument();
    expect(seen).toHaveLength(0);
  });

  it("pays both by card on the bank's page", async () => {
    const go = vi.spyOn(browser, "go").mockImplementation(() => {});
    const seen = fakeApi({
      "POST /api/v1/payments/basket": {
        status: 201,
        body: { id: "b1", status: "pending", amount: "1623.50", method: "card", items: [], confirmation_url: "http://bank/b1", sbp: null },
      },
    });
    const user = userEvent.setup();
    open();
    await user.click(screen.getByRole("button", { name: "Оплатить" }));
    expect(go).toHaveBeenCalledWith("http://bank/b1");
    expect(seen[0].body).toEqual({
      items: [
        { account_id: "acc-1", amount: "1523.40" },
        { account_id: "acc-2", amount: "100.10" },
      ],
      method: "card",
    });
    expect(seen[0].headers["Idempotency-Key"]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("pays by SBP: to the basket's result page", async () => {
    fakeApi({
      "POST /api/v1/payments/basket": {
        status: 201,
        body: { id: "b2", status: "pending", amount: "1623.50", method: "sbp", items: [], confirmation_url: null, sbp: SBP },
      },
    });
    const user = userEvent.setup();
    open();
    await user.click(screen.getByRole("radio", { name: "СБП (по QR-коду)" }));
    await user.click(screen.getByRole("button", { name: "Оплатить" }));
    expect(await screen.findByText("result")).toBeInTheDocument();
    expect(JSON.parse(sessionStorage.getItem("lka-sbp-b2") ?? "null")).toEqual(SBP);
  });
});

describe("the basket's result page", () => {
  it("lists every account and the total once paid", async () => {
    const part = (id: string, number: string, amount: string, status: string) => ({ account_id: id, account_number: number, amount, payment_id: `p-${id}`, status });
    const basket = {
      id: "b1",
      status: "pending",
      amount: "1623.50",
      method: "card",
      items: [part("acc-1", "91000101", "1523.40", "pending"), part("acc-2", "91000202", "100.10", "pending")],
      card: null,
      failure_reason: null,
      message: "Платеж обрабатывается банком",
      created_at: "2026-12-01T10:00:00Z",
      paid_at: null,
      expires_at: "2026-12-01T10:20:00Z",
    };
    const paid = {
      ...basket,
      status: "succeeded",
      message: "Оплата прошла успешно",
      card: { brand: "visa", pan_masked: "411111******1111" },
      paid_at: "2026-12-01T10:01:00Z",
      items: basket.items.map((item) => ({ ...item, status: "succeeded" })),
    };
    fakeApi({ "GET /api/v1/payments/baskets/b1": [{ status: 200, body: basket }, { status: 200, body: paid }] });
    renderRoute("/payments/baskets/b1/result", "/payments/baskets/:id/result", <BasketResultPage />);
    expect(await screen.findByText("Оплата прошла успешно")).toBeInTheDocument();
    const table = screen.getByRole("table", { name: "Лицевые счета платежа" });
    expect(within(table).getByText("№ 91000202")).toBeInTheDocument();
    expect(within(table).getByText("1 623,50 ₽")).toBeInTheDocument();
    expect(screen.getByText(/Оплата 2 лицевых счетов одним платежом/)).toBeInTheDocument();
  });
});

describe("«Автоплатеж» on an account", () => {
  it("is off when the API says 404, is set with a saved card, a day and a limit, and is switched off", async () => {
    const seen = fakeApi({
      "GET /api/v1/accounts/acc-1/autopay": { status: 404, body: { code: "autopay_not_found", detail: "Автоплатеж не подключен" } },
      "GET /api/v1/cards": { status: 200, body: [CARD] },
      "PUT /api/v1/accounts/acc-1/autopay": { status: 200, body: AUTOPAY },
      "DELETE /api/v1/accounts/acc-1/autopay": { status: 204 },
    });
    const user = userEvent.setup();
    render(<div id="root"><AutopayPanel account={ACCOUNT} /></div>);
    expect(await screen.findByText(/Не подключен/)).toBeInTheDocument();
    await user.click(screen.getByRole("button", { name: "Подключить автоплатеж по лицевому счету №\u00a091000101" }));
    const dialog = screen.getByRole("dialog", { name: "Автоплатеж по лицевому счету №\u00a091000101" });
    expect(await within(dialog).findByLabelText("Карта")).toHaveValue("c1");
    await user.selectOptions(within(dialog).getByLabelText("День списания"), "15");
    const limit = within(dialog).getByLabelText("Не более, ₽");
    await user.clear(limit);
    await user.type(limit, "3000");
    await user.click(within(dialog).getByRole("button", { name: "Подключить" }));
    expect(await screen.findByText("Автоплатеж подключен")).toBeInTheDocument();
    expect(screen.getByText(/Ежемесячно 15-го числа, не более 3 000,00 ₽, карта Visa 4111 11•• •••• 1111/)).toBeInTheDocument();
    expect(screen.getByText(/Следующее списание: 15.12.2026/)).toBeInTheDocument();
    expect(seen.find((c) => c.method === "PUT")?.body).toEqual({ card_id: "c1", day_of_month: 15, max_amount: "3000.00" });

    await user.click(screen.getByRole("button", { name: "Отключить автоплатеж по лицевому счету №\u00a091000101" }));
    await user.click(within(screen.getByRole("dialog", { name: "Отключить автоплатеж?" })).getByRole("button", { name: "Отключить" }));
    expect(await screen.findByText("Автоплатеж отключен")).toBeInTheDocument();
    expect(screen.getByText(/Не подключен/)).toBeInTheDocument();
  });

  it("asks for a saved card first when there is none", async () => {
    fakeApi({ "GET /api/v1/accounts/acc-1/autopay": { status: 404, body: {} }, "GET /api/v1/cards": { status: 200, body: [] } });
    const user = userEvent.setup();
    render(<div id="root"><AutopayPanel account={ACCOUNT} /></div>);
    await user.click(await screen.findByRole("button", { name: /Подключить автоплатеж/ }));
    expect(await within(screen.getByRole("dialog")).findByText(/Для автоплатежа нужна сохраненная карта/)).toBeInTheDocument();
  });

  it("says why an autopay turned itself off, and offers to turn it on again", async () => {
    fakeApi({
      "GET /api/v1/accounts/acc-1/autopay": {
        status: 200,
        body: { ...AUTOPAY, status: "disabled", disabled_reason: "payment_failed", message: "Автоплатеж отключен: два списания подряд не прошли", next_payment_date: null },
      },
    });
    render(<div id="root"><AutopayPanel account={ACCOUNT} /></div>);
    expect(await screen.findByText(/два списания подряд не прошли/)).toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Подключить снова автоплатеж по лицевому счету №\u00a091000101" })).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: /Отключить/ })).not.toBeInTheDocument();
  });
});
