import { render, screen, within } from "@testing-library/react";
import { describe, expect, it } from "vitest";

import { consumptionByMeter } from "../lib/chart";
import { ConsumptionChart } from "./ConsumptionChart";

const [series] = consumptionByMeter([
  { period: "2026-11", meter_id: "m", zones: { T1: 210, T2: 95 } },
  { period: "2026-10", meter_id: "m", zones: { T1: 180, T2: 80 } },
]);

describe("the consumption chart", () => {
  it("draws a bar segment per month and zone, and says the figures for screen readers", () => {
    const { container } = render(<ConsumptionChart series={series} title="Счетчик M230: потребление, кВт·ч" zoneTitles={{ T1: "T1 день", T2: "T2 ночь" }} />);
    expect(container.querySelectorAll("rect.bar")).toHaveLength(4);
    const image = screen.getByRole("img");
    expect(image).toHaveAccessibleName(/октябрь 2026: 260 кВт·ч; ноябрь 2026: 305 кВт·ч/);
    const table = screen.getByRole("table", { name: /Счетчик M230/ });
    expect(table).toHaveAccessibleName("Счетчик M230: потребление, кВт·ч"); // the unit once
    const rows = within(table).getAllByRole("row");
    expect(rows.map((r) => r.textContent)).toEqual(["МесяцT1 деньT2 ночьВсего", "октябрь 202618080260", "ноябрь 202621095305"]);
  });

  it("says where the figures come from, and draws a month still being processed pale, as provisional", () => {
    const [provisional] = consumptionByMeter([
      { period: "2026-12", meter_id: "m", zones: { T1: 137, T2: 42.5 }, status: "pending" },
      { period: "2026-11", meter_id: "m", zones: { T1: 210, T2: 95 }, status: "accepted" },
    ]);
    const { container } = render(<ConsumptionChart series={provisional} title="Счетчик M230: потребление, кВт·ч" zoneTitles={{ T1: "T1 день", T2: "T2 ночь" }} />);

    const figure = screen.getByRole("figure", { name: "Счетчик M230: потребление, кВт·ч" });
    expect(figure).toHaveAccessibleDescription(/разность показаний, принятых биллингом.*Бледный столбец — предварительно/);
    expect(container.querySelectorAll("rect.bar[opacity]")).toHaveLength(2);
    expect(container.querySelectorAll("rect.bar:not([opacity])")).toHaveLength(2);
    expect(screen.getByRole("img")).toHaveAccessibleName(/ноябрь 2026: 305 кВт·ч; декабрь 2026: 179,5 кВт·ч \(предварительно\)$/);
    const rows = within(screen.getByRole("table", { name: /Счетчик M230/ })).getAllByRole("row");
    expect(rows.map((r) => r.textContent)).toEqual(["МесяцT1 деньT2 ночьВсего", "ноябрь 202621095305", "декабрь 2026 (предварительно)13742,5179,5"]);
  });

  it("says nothing of provisional months when every month is accepted", () => {
    render(<ConsumptionChart series={series} title="Счетчик M230: потребление, кВт·ч" zoneTitles={{}} />);
    expect(screen.getByRole("figure")).not.toHaveAccessibleDescription(/Бледный/);
    expect(screen.queryByText(/предварительно/)).not.toBeInTheDocument();
  });
});
