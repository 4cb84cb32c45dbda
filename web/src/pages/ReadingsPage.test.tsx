import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { Meter } from "../api/types";
import { fakeApi, renderRoute } from "../test/helpers";
import { MeterForm } from "./ReadingsPage";

const meter: Meter = {
  id: "m1",
  serial_number: "M230-0202",
  zones: ["T1", "T2"],
  zone_titles: ["T1 день", "T2 ночь"],
  digits: 6,
  last_reading: { values: { T1: 8123, T2: 3456.5 }, date: "2026-10-20", source: "billing" },
};

afterEach(() => vi.unstubAllGlobals());

function renderForm() {
  return renderRoute("/readings", "/readings", <MeterForm accountId="acc-1" meter={meter} />);
}

describe("a meter's reading form", () => {
  it("has one input per zone, named by the zone, with the last value", () => {
    renderForm();
    expect(screen.getByLabelText("T1 день")).toHaveAccessibleDescription(/^Предыдущее: 8\s123 \(20\.10\.2026\)$/);
    expect(screen.getByLabelText("T2 ночь")).toHaveAccessibleDescription(/^Предыдущее: 3\s456,5 \(20\.10\.2026\)$/);
  });

  it("sends numbers per zone and shows the billing month", async () => {
    const seen = fakeApi({
      "POST /api/v1/accounts/acc-1/readings": {
        status: 201,
        body: { id: "r1", status: "submitted", billing_period: "2026-11", message: "Показания переданы и будут учтены за ноябрь 2026 года" },
      },
    });
    const user = userEvent.setup();
    renderForm();
    await user.type(screen.getByLabelText("T1 день"), "8130,5");
    await user.type(screen.getByLabelText("T2 ночь"), "3460");
    await user.click(screen.getByRole("button", { name: "Передать показания" }));
    expect(await screen.findByText("Показания переданы и будут учтены за ноябрь 2026 года")).toBeInTheDocument();
    expect(seen[0].body).toEqual({ meter_id: "m1", values: { T1: 8130.5, T2: 3460 } });
    expect(seen[0].headers["X-CSRF-Token"]).toBeUndefined(); // no session cookie in this test
  });

  it("puts the API's refusal next to its zone", async () => {
    fakeApi({
      "POST /api/v1/accounts/acc-1/readings": {
        status: 422,
        body: {
          code: "reading_decreased",
          detail: "Показание T2 меньше предыдущего (3 456,5)",
          errors: [{ field: "values.T2", message: "Показание T2 меньше предыдущего (3 456,5)" }],
        },
      },
    });
    const user = userEvent.setup();
    renderForm();
    await user.type(screen.getByLabelText("T1 день"), "8130");
    await user.type(screen.getByLabelText("T2 ночь"), "3000");
    await user.click(screen.getByRole("button", { name: "Передать показания" }));

    const t2 = screen.getByLabelText("T2 ночь");
    expect(await screen.findByText("Показание T2 меньше предыдущего (3 456,5)")).toBeInTheDocument();
    expect(t2).toHaveAttribute("aria-invalid", "true");
    expect(t2).toHaveAccessibleDescription(/Показание T2 меньше предыдущего/);
    expect(screen.getByLabelText("T1 день")).not.toHaveAttribute("aria-invalid");
  });

  it("refuses an empty zone before asking", async () => {
    const seen = fakeApi({});
    const user = userEvent.setup();
    renderForm();
    await user.type(screen.getByLabelText("T1 день"), "8130");
    await user.click(screen.getByRole("button", { name: "Передать показания" }));
    expect(await screen.findByText("Укажите показание T2")).toBeInTheDocument();
    expect(seen).toHaveLength(0);
  });

  it("shows a duplicate as the form's message", async () => {
    fakeApi({
      "POST /api/v1/accounts/acc-1/readings": { status: 409, body: { code: "duplicate_reading", detail: "Эти показания уже переданы и будут учтены за ноябрь 2026 года" } },
    });
    const user = userEvent.setup();
    renderForm();
    await user.type(screen.getByLabelText("T1 день"), "8130");
    await user.type(screen.getByLabelText("T2 ночь"), "3460");
    await user.click(screen.getByRole("button", { name: "Передать показания" }));
    expect(await screen.findByRole("alert")).toHaveTextContent("Эти показания уже переданы и будут учтены за ноябрь 2026 года");
  });
});

describe("the estimate of a reading", () => {
  async function submit(estimate: unknown) {
    fakeApi({
      "POST /api/v1/accounts/acc-1/readings": {
        status: 201,
        body: { id: "r1", status: "submitted", billing_period: "2026-12", message: "Показания переданы и будут учтены за декабрь 2026 года", estimate },
      },
    });
    const user = userEvent.setup();
    renderForm();
    await user.type(screen.getByLabelText("T1 день"), "8130");
    await user.type(screen.getByLabelText("T2 ночь"), "3460");
    await user.click(screen.getByRole("button", { name: "Передать показания" }));
    await screen.findByText("Показания переданы и будут учтены за декабрь 2026 года");
  }

  it("is said as a preliminary figure, not a debt, after the submission", async () => {
    await submit({ amount: "97.45", period: "2026-12", tariff_id: "T-2Z" });
    const said = screen.getByText(/^Предварительный расчет:/);
    expect(said.textContent!.replace(/\s+/g, " ")).toBe(
      "Предварительный расчет: 97,45 ₽ за декабрь 2026 г. по тарифу «T-2Z». Это оценка стоимости электроэнергии, потребленной с последних учтенных показаний, а не задолженность; сумма к оплате будет указана в квитанции.",
    );
    expect(said.closest("[role=status]")).not.toBeNull();
  });

  it("is not mentioned when the API has none", async () => {
    await submit(null);
    expect(screen.queryByText(/Предварительный расчет/)).toBeNull();
  });
});
