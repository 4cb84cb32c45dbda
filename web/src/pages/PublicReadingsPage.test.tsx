import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { NOT_ACCEPTED } from "../lib/readings";
import { fakeApi, renderRoute } from "../test/helpers";
import { NOT_FOUND, PublicReadingsPage } from "./PublicReadingsPage";

afterEach(() => vi.unstubAllGlobals());

const REGIONS = { status: 200, body: [{ code: "yalta", name: "Городской округ Ялта" }] };
const TWO_ZONES = { status: 200, body: { zones: ["T1", "T2"], zone_titles: ["T1 день", "T2 ночь"], digits: 6 } };
const THREE_ZONES = { status: 200, body: { zones: ["T1", "T2", "T3"], zone_titles: ["T1 пик", "T2 ночь", "T3 полупик"], digits: 7 } };
const MISSING = { status: 404, body: { status: 404, code: "not_found", detail: "Не найдено" } };

async function findMeter(serial = "M230-0202") {
  const user = userEvent.setup();
  renderRoute("/readings/public", "/readings/public", <PublicReadingsPage />);
  await screen.findByRole("option", { name: "Городской округ Ялта" });
  await user.selectOptions(screen.getByLabelText("Регион"), "yalta");
  await user.type(screen.getByLabelText("Номер лицевого счета"), "91000202");
  await user.type(screen.getByLabelText("Заводской номер счетчика"), serial);
  await user.click(screen.getByRole("button", { name: "Найти счетчик" }));
  return user;
}

async function fillAndSend(t1: string, t2: string) {
  const user = await findMeter();
  await user.type(await screen.findByLabelText("T1 день"), t1);
  await user.type(screen.getByLabelText("T2 ночь"), t2);
  await user.click(screen.getByRole("button", { name: "Передать показания" }));
}

describe("readings without registration", () => {
  it("asks for the meter first, never for the number of zones", async () => {
    fakeApi({ "GET /api/v1/regions": REGIONS });
    renderRoute("/readings/public", "/readings/public", <PublicReadingsPage />);
    await screen.findByRole("option", { name: "Городской округ Ялта" });

    expect(screen.queryByRole("radio")).not.toBeInTheDocument();
    expect(screen.queryByText(/Количество тарифных зон/)).not.toBeInTheDocument();
    expect(screen.queryByRole("textbox", { name: /^T\d/ })).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Найти счетчик" })).toBeInTheDocument();
  });

  it("shows exactly the found meter's zones by their names, and sends what was typed in them", async () => {
    const seen = fakeApi({
      "GET /api/v1/regions": REGIONS,
      "POST /api/v1/public/readings/meter": THREE_ZONES,
      "POST /api/v1/public/readings": { status: 201, body: { id: "r1", status: "submitted", billing_period: "2026-12", message: "Показания переданы и будут учтены за декабрь 2026 года" } },
    });
    const user = await findMeter("CE303-0303");

    const first = await screen.findByLabelText("T1 пик");
    expect(first).toHaveFocus();
    expect(screen.getAllByRole("textbox", { name: /^T\d/ }).map((box) => box.getAttribute("id"))).toEqual(["public-T1", "public-T2", "public-T3"]);
    expect(screen.getByRole("group", { name: "Показания счетчика №\u00a0CE303-0303" })).toBeInTheDocument();
    expect(seen.find((call) => call.url.endsWith("/public/readings/meter"))?.body).toEqual({
      region_code: "yalta",
      account_number: "91000202",
      meter_serial: "CE303-0303",
    });
    await user.type(first, "23500");
    await user.type(screen.getByLabelText("T2 ночь"), "9900,5");
    await user.type(screen.getByLabelText("T3 полупик"), "4400");
    await user.click(screen.getByRole("button", { name: "Передать показания" }));

    expect(await screen.findByRole("status")).toHaveTextContent("Показания переданы и будут учтены за декабрь 2026 года");
    expect(seen.find((call) => call.url.endsWith("/public/readings"))?.body).toEqual({
      region_code: "yalta",
      account_number: "91000202",
      meter_serial: "CE303-0303",
      values: { T1: 23500, T2: 9900.5, T3: 4400 },
    });
  });

  it("says «not found» for any mismatch and shows no zones", async () => {
    fakeApi({ "GET /api/v1/regions": REGIONS, "POST /api/v1/public/readings/meter": MISSING });
    await findMeter("M230-9999");

    expect(await screen.findByRole("alert")).toHaveTextContent(NOT_FOUND);
    expect(screen.queryByRole("textbox", { name: /^T\d/ })).not.toBeInTheDocument();
  });

  it("hides the zones when the account or the serial is changed, until the meter is found again", async () => {
    fakeApi({ "GET /api/v1/regions": REGIONS, "POST /api/v1/public/readings/meter": TWO_ZONES });
    const user = await findMeter();
    await screen.findByLabelText("T1 день");

    await user.type(screen.getByLabelText("Заводской номер счетчика"), "1");

    expect(screen.queryByLabelText("T1 день")).not.toBeInTheDocument();
    expect(screen.getByRole("button", { name: "Найти счетчик" })).toBeInTheDocument();
  });

  it("checks a value against the meter's digits before sending it", async () => {
    const seen = fakeApi({ "GET /api/v1/regions": REGIONS, "POST /api/v1/public/readings/meter": TWO_ZONES });
    await fillAndSend("1234567", "3500");

    expect(await screen.findByText("Показание T1 длиннее, чем может показать счетчик (6 цифр до запятой)")).toBeInTheDocument();
    expect(seen.filter((call) => call.url.endsWith("/public/readings"))).toHaveLength(0);
  });

  it("shows a refused comparison as the form's one message, next to no zone", async () => {
    const seen = fakeApi({
      "GET /api/v1/regions": REGIONS,
      "POST /api/v1/public/readings/meter": TWO_ZONES,
      "POST /api/v1/public/readings": {
        status: 422,
        body: { code: "reading_not_accepted", detail: NOT_ACCEPTED, errors: [{ field: "values", message: NOT_ACCEPTED }] },
      },
    });
    await fillAndSend("8000", "3500");

    expect(await screen.findByRole("alert")).toHaveTextContent(NOT_ACCEPTED);
    expect(screen.getByLabelText("T1 день")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByLabelText("T2 ночь")).not.toHaveAttribute("aria-invalid");
    expect(seen.find((call) => call.url.endsWith("/public/readings"))?.body).toEqual({
      region_code: "yalta",
      account_number: "91000202",
      meter_serial: "M230-0202",
      values: { T1: 8000, T2: 3500 },
    });
  });

  it("says the same when an older answer names a zone and a direction", async () => {
    fakeApi({
      "GET /api/v1/regions": REGIONS,
      "POST /api/v1/public/readings/meter": TWO_ZONES,
      "POST /api/v1/public/readings": {
        status: 422,
        body: {
          code: "reading_decreased",
          detail: "Показание T2 меньше предыдущего",
          errors: [{ field: "values.T2", message: "Показание T2 меньше предыдущего" }],
        },
      },
    });
    await fillAndSend("8300", "3400");

    expect(await screen.findByRole("alert")).toHaveTextContent(NOT_ACCEPTED);
    expect(screen.queryByText(/меньше предыдущего/)).not.toBeInTheDocument();
    expect(screen.getByLabelText("T2 ночь")).not.toHaveAttribute("aria-invalid");
  });
});
