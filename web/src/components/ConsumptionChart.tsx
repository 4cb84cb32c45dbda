/**
 * Consumption by month and zone: stacked SVG bars, with the same figures as a table. A month
 * from a reading billing has not decided on yet is drawn pale and said «предварительно».
 */

import { useEffect, useId, useRef, useState } from "react";

import { formatKwh } from "../lib/format";
import { niceScale, stackedSegments, type MeterSeries } from "../lib/chart";

const H = 260;
const MIN_SLOT = 44; // px per month: below it the chart scrolls sideways instead of squeezing
const LEFT = 52;
const BOTTOM = 40;
const TOP = 22;
const RIGHT = 8;
const PROVISIONAL = "предварительно";
const PALE = 0.45; // a provisional month's bars and total (an SVG attribute: no inline style under the CSP)

export function ConsumptionChart({ series, title, zoneTitles }: { series: MeterSeries; title: string; zoneTitles: Record<string, string> }) {
  const id = useId();
  const scroller = useRef<HTMLDivElement>(null);
  // Drawn at the width it is shown, so its text stays 12 px on a phone and on a desktop.
  const [room, setRoom] = useState(640);
  useEffect(() => {
    const box = scroller.current;
    if (!box) return;
    const measure = () => setRoom(Math.max(260, Math.min(900, box.clientWidth)));
    measure();
    if (typeof ResizeObserver === "undefined") return;
    const observer = new ResizeObserver(measure);
    observer.observe(box);
    return () => observer.disconnect();
  }, []);
  const W = Math.max(room, LEFT + RIGHT + series.months.length * MIN_SLOT);
  // Wider than its box (a phone, a year of months): it scrolls, starting at the newest month.
  useEffect(() => {
    const box = scroller.current;
    if (box && box.scrollWidth > box.clientWidth) box.scrollLeft = box.scrollWidth;
  }, [series, W]);
  const plotW = W - LEFT - RIGHT;
  const plotH = H - TOP - BOTTOM;
  const { top, ticks } = niceScale(series.max, 4);
  const bars = stackedSegments(series, plotW, plotH, top);
  const slot = plotW / Math.max(series.months.length, 1);
  const zoneName = (zone: string) => zoneTitles[zone] ?? zone;
  const summary = series.months.map((m) => `${m.title}: ${formatKwh(m.total)} кВт·ч${m.pending ? ` (${PROVISIONAL})` : ""}`).join("; ");
  const anyPending = series.months.some((m) => m.pending);

  return (
    <figure className="chart" aria-labelledby={`${id}-caption`} aria-describedby={`${id}-source`}>
      <figcaption>
        <div id={`${id}-caption`} className="chart-caption">
          {title}
        </div>
        <div id={`${id}-source`} className="muted small">
          Расход за месяц — разность показаний, принятых биллингом, за этот месяц и предыдущий.
          {anyPending ? " Бледный столбец — предварительно: показания за этот месяц еще обрабатываются." : null}
        </div>
      </figcaption>
      <ul className="legend" aria-label="Зоны">
        {series.zones.map((zone, i) => (
          <li key={zone}>
            <span className={`legend-swatch zone-${i + 1}`} aria-hidden="true" />
            {zoneName(zone)}
          </li>
        ))}
      </ul>
      <div ref={scroller} className="chart-scroll" tabIndex={0} role="group" aria-label="Диаграмма потребления (прокручивается)">
      <svg className="chart-svg" width={W} height={H} viewBox={`0 0 ${W} ${H}`} role="img" aria-label={`Потребление, кВт·ч, по месяцам. ${summary}`}>
        <g transform={`translate(${LEFT} ${TOP})`}>
          {ticks.map((tick) => {
            const y = plotH - (tick / top) * plotH;
            return (
              <g key={tick}>
                <line className="chart-grid" x1={0} x2={plotW} y1={y} y2={y} />
                <text className="chart-tick" x={-8} y={y} dy="0.32em" textAnchor="end">
                  {formatKwh(tick)}
                </text>
              </g>
            );
          })}
          {bars.map((segments, i) => (
            <g key={series.months[i].period}>
              {segments.map((s) =>
                s.height > 0 ? (
                  <rect
                    key={s.zone}
                    className={`bar zone-${series.zones.indexOf(s.zone) + 1}`}
                    x={s.x}
                    y={s.y}
                    width={s.width}
                    height={s.height}
                    opacity={series.months[i].pending ? PALE : undefined}
                    data-pending={series.months[i].pending || undefined}
                  >
                    <title>{`${series.months[i].title}, ${zoneName(s.zone)}: ${formatKwh(s.value)} кВт·ч${series.months[i].pending ? ` (${PROVISIONAL})` : ""}`}</title>
                  </rect>
                ) : null,
              )}
              {series.months[i].total > 0 ? (
                <text
                  className="chart-total"
                  x={i * slot + slot / 2}
                  y={(segments[segments.length - 1]?.y ?? plotH) - 6}
                  textAnchor="middle"
                  opacity={series.months[i].pending ? PALE + 0.25 : undefined}
                >
                  {formatKwh(series.months[i].total)}
                </text>
              ) : null}
              <text className="chart-label" x={i * slot + slot / 2} y={plotH + 16} textAnchor="middle">
                <tspan x={i * slot + slot / 2}>{series.months[i].monthLabel}</tspan>
                <tspan x={i * slot + slot / 2} dy="1.15em">
                  {series.months[i].yearLabel}
                </tspan>
              </text>
            </g>
          ))}
          <line className="chart-axis" x1={0} x2={plotW} y1={plotH} y2={plotH} />
        </g>
      </svg>
      </div>
      <details className="chart-table">
        <summary>Показать таблицей</summary>
        <div className="table-wrap">
          <table className="table">
            <caption className="visually-hidden">{title}</caption>
            <thead>
              <tr>
                <th scope="col">Месяц</th>
                {series.zones.map((zone) => (
                  <th scope="col" key={zone} className="num">
                    {zoneName(zone)}
                  </th>
                ))}
                <th scope="col" className="num">
                  Всего
                </th>
              </tr>
            </thead>
            <tbody>
              {series.months.map((month) => (
                <tr key={month.period}>
                  <th scope="row">
                    {month.title}
                    {month.pending ? <span className="muted small"> ({PROVISIONAL})</span> : null}
                  </th>
                  {series.zones.map((zone) => (
                    <td key={zone} className="num">
                      {formatKwh(month.values[zone])}
                    </td>
                  ))}
                  <td className="num">{formatKwh(month.total)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </details>
    </figure>
  );
}
