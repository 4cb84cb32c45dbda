/**
 * The consumption chart's data: `GET /accounts/{id}/consumption` answers newest first, one item
 * per (month, meter) with kWh per zone, from the readings billing accepted; the month of a
 * reading billing has not decided on yet comes as `status: "pending"`. The chart shows one
 * meter's months oldest to newest, a stacked bar per month with a segment per zone.
 */

import type { ConsumptionItem } from "../api/types";
import { periodName, periodShort } from "./format";

export interface MonthBar {
  period: string;
  label: string; // "окт 26"
  monthLabel: string; // "окт", under the bar
  yearLabel: string; // "2026", under the month
  title: string; // "октябрь 2026" for people and screen readers
  values: Record<string, number>;
  total: number;
  pending: boolean; // from a reading billing has not decided on yet: shown as provisional
}

export interface MeterSeries {
  meterId: string;
  zones: string[];
  months: MonthBar[];
  max: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Items grouped by meter, months ascending (at most the last `months`), zones T1, T2, T3. */
export function consumptionByMeter(items: ConsumptionItem[], months = 12): MeterSeries[] {
  const byMeter = new Map<string, Map<string, Record<string, number>>>();
  const pending = new Set<string>();
  for (const item of items) {
    if (item.status === "pending") pending.add(`${item.meter_id} ${item.period}`);
    let periods = byMeter.get(item.meter_id);
    if (!periods) {
      periods = new Map();
      byMeter.set(item.meter_id, periods);
    }
    const values = periods.get(item.period) ?? {};
    for (const [zone, kwh] of Object.entries(item.zones)) {
      if (typeof kwh === "number" && Number.isFinite(kwh)) values[zone] = round2((values[zone] ?? 0) + kwh);
    }
    periods.set(item.period, values);
  }
  const series: MeterSeries[] = [];
  for (const [meterId, periods] of byMeter) {
    const zones = [...new Set([...periods.values()].flatMap((v) => Object.keys(v)))].sort();
    const bars = [...periods.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .slice(-months)
      .map(([period, values]) => {
        const full: Record<string, number> = {};
        for (const zone of zones) full[zone] = values[zone] ?? 0;
        const total = round2(zones.reduce((sum, zone) => sum + full[zone], 0));
        const [year] = period.split("-");
        const label = periodShort(period);
        const provisional = pending.has(`${meterId} ${period}`);
        return { period, label, monthLabel: label.split(" ")[0], yearLabel: year, values: full, total, title: periodName(period), pending: provisional };
      });
    series.push({ meterId, zones, months: bars, max: Math.max(0, ...bars.map((b) => b.total)) });
  }
  return series;
}

/** A round top for the axis and its ticks: niceScale(437) -> {top: 500, ticks: [0, 100, …, 500]}. */
export function niceScale(max: number, count = 5): { top: number; ticks: number[] } {
  if (!(max > 0)) return { top: 1, ticks: [0, 1] };
  const rough = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? 10 * magnitude;
  const top = Math.ceil(max / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= top + step / 2; t += step) ticks.push(round2(t));
  return { top: round2(top), ticks };
}

export interface Segment {
  zone: string;
  x: number;
  y: number;
  width: number;
  height: number;
  value: number;
}

/** Rectangles of the stacked bars inside a plot of `width`×`height` (SVG units, y down). */
export function stackedSegments(series: MeterSeries, width: number, height: number, top: number): Segment[][] {
  const n = Math.max(series.months.length, 1);
  const slot = width / n;
  const barWidth = Math.max(4, Math.min(40, slot * 0.6));
  return series.months.map((month, i) => {
    const x = i * slot + (slot - barWidth) / 2;
    let base = height;
    return series.zones.map((zone) => {
      const value = month.values[zone] ?? 0;
      const h = top > 0 ? (value / top) * height : 0;
      base -= h;
      return { zone, x: round2(x), y: round2(base), width: round2(barWidth), height: round2(h), value };
    });
  });
}
