import { screen } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { NOT_ACCEPTED } from "../lib/readings";
import { fakeApi, renderRoute } from "../test/helpers";
import { PublicReadingsPage } from "./PublicReadingsPage";

afterEach(() => vi.unstubAllGlobals());

const REGIONS = { status: 200, body: [{ code: "yalta", name: "Городской округ Ялта" }] };

async function fillAndSend(t1: string, t2: string) {
  const user = userEvent.setup();
  renderRoute("/readings/public", "/readings/public", <PublicReadingsPage />);
  await screen.findByRole("option", { name: "Городской округ Ялта" });
  await user.selectOptions(screen.getByLabelText("Регион"), "yalta");
  await user.type(screen.getByLabelText("Номер лицевого счета"), "91000202");
  await user.type(screen.getByLabelText("Заводской номер счетчика"), "M230-0202");
  await user.click(screen.getByLabelText("Две (день, ночь)"));
  await user.type(screen.getByLabelText("T1 день"), t1);
  await user.type(screen.getByLabelText("T2 ночь"), t2);
  await user.click(screen.getByRole("button", { name: "Передать показания" }));
}

describe("readings without registration", () => {
  it("shows a refused comparison as the form's one message, next to no zone", async () => {
    const seen = fakeApi({
      "GET /api/v1/regions": REGIONS,
      "POST /api/v1/public/readings": {
        status: 422,
        body: { code: "reading_not_accepted", detail: NOT_ACCEPTED, errors: [{ field: "values", message: NOT_ACCEPTED }] },
      },
    });
    await fillAndSend("8000", "3500");

    expect(await screen.findByRole("alert")).toHaveTextContent(NOT_ACCEPTED);
    expect(screen.getByLabelText("T1 день")).not.toHaveAttribute("aria-invalid");
    expect(screen.getByLabelText("T2 ночь")).not.toHaveAttribute("aria-invalid");
    expect(seen.find((call) => call.method === "POST")?.body).toEqual({
      region_code: "yalta",
      account_number: "91000202",
      meter_serial: "M230-0202",
      values: { T1: 8000, T2: 3500 },
    });
  });

  it("says the same when an older answer names a zone and a direction", async () => {
    fakeApi({
      "GET /api/v1/regions": REGIONS,
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
