import { describe, expect, it } from "vitest";

import type { ConsumptionItem } from "../api/types";
import { consumptionByMeter, niceScale, stackedSegments } from "./chart";

const items: ConsumptionItem[] = [
  { period: "2026-10", meter_id: "m2", zones: { T1: 210, T2: 95 } },
  { period: "2026-10", meter_id: "m1", zones: { T1: 150 } },
  { period: "2026-09", meter_id: "m2", zones: { T1: 200.5, T2: 100 } },
  { period: "2026-08", meter_id: "m2", zones: { T2: 80 } },
];

describe("consumptionByMeter", () => {
  it("groups by meter, months oldest first, every zone present", () => {
    const series = consumptionByMeter(items);
    const two = series.find((s) => s.meterId === "m2");
    expect(two?.zones).toEqual(["T1", "T2"]);
    expect(two?.months.map((m) => m.period)).toEqual(["2026-08", "2026-09", "2026-10"]);
    expect(two?.months[0].values).toEqual({ T1: 0, T2: 80 });
    expect(two?.months[1].total).toBe(300.5);
    expect(two?.months[2].title).toBe("октябрь 2026");
    expect(two?.months[2].label).toBe("окт 26");
    expect([two?.months[2].monthLabel, two?.months[2].yearLabel]).toEqual(["окт", "2026"]);
    expect(two?.max).toBe(305);
    expect(series.find((s) => s.meterId === "m1")?.months).toHaveLength(1);
  });

  it("keeps the last twelve months", () => {
    const many = Array.from({ length: 15 }, (_, i) => ({
      period: `2025-${String((i % 12) + 1).padStart(2, "0")}`.replace(/^2025/, i < 12 ? "2025" : "2026"),
      meter_id: "m",
      zones: { T1: i },
    }));
    const [series] = consumptionByMeter(many);
    expect(series.months).toHaveLength(12);
    expect(series.months[11].period).toBe("2026-03");
    expect(series.months[0].period).toBe("2025-04");
  });

  it("marks the month of a reading billing has not decided on as pending, and only that one", () => {
    const [series] = consumptionByMeter([
      { period: "2026-12", meter_id: "m", zones: { T1: 137 }, status: "pending" },
      { period: "2026-11", meter_id: "m", zones: { T1: 120 }, status: "accepted" },
      { period: "2026-10", meter_id: "m", zones: { T1: 110 } },
    ]);
    expect(series.months.map((m) => [m.period, m.pending])).toEqual([
      ["2026-10", false],
      ["2026-11", false],
      ["2026-12", true],
    ]);
  });

  it("is empty for no data", () => {
    expect(consumptionByMeter([])).toEqual([]);
  });
});

describe("the axis and the bars", () => {
  it("rounds the top up to a nice step", () => {
    expect(niceScale(437, 5)).toEqual({ top: 500, ticks: [0, 100, 200, 300, 400, 500] });
    expect(niceScale(305, 4).top).toBe(400);
    expect(niceScale(0)).toEqual({ top: 1, ticks: [0, 1] });
  });

  it("stacks zones from the bottom, heights in proportion", () => {
    const [series] = consumptionByMeter([{ period: "2026-10", meter_id: "m", zones: { T1: 100, T2: 50 } }]);
    const [[t1, t2]] = stackedSegments(series, 100, 200, 200);
    expect(t1).toMatchObject({ zone: "T1", height: 100, y: 100, value: 100 });
    expect(t2).toMatchObject({ zone: "T2", height: 50, y: 50, value: 50 });
  });
});
