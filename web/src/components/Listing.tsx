/**
 * The pieces of a list the staff search through: what the list says while it loads, fails or
 * is empty; a table whose rows turn into cards on a phone; the pager of a search's results.
 */

import type { ReactNode } from "react";

import type { Loaded } from "../lib/hooks";
import { Alert, Loading } from "./ui";

/** Loading (until the first answer), the failure, or `empty` once nothing was found. */
export function ListStatus({ loaded, count, empty }: { loaded: Loaded<unknown>; count: number; empty: ReactNode }) {
  return (
    <>
      {loaded.loading && !loaded.data ? <Loading /> : null}
      {loaded.error ? <Alert kind="error">{loaded.error}</Alert> : null}
      {!loaded.loading && !loaded.error && count === 0 ? <p className="card empty">{empty}</p> : null}
    </>
  );
}

export interface Column<T> {
  /** The header, and each cell's label when the table is shown as cards. */
  label: string;
  /** Amounts: aligned to the right. */
  num?: boolean;
  /** The cells' own class (`break` for long text). */
  className?: string;
  cell: (row: T) => ReactNode;
}

function classes(...names: (string | false | undefined)[]): string | undefined {
  return names.filter(Boolean).join(" ") || undefined;
}

/**
 * A `table-cards` table: every cell carries its column's label for the card layout. `framed`
 * draws it as a card of its own (a table inside a card section is not).
 */
export function CardTable<T>({
  caption,
  captionHidden = false,
  framed = false,
  columns,
  rows,
  rowKey,
}: {
  caption: string;
  captionHidden?: boolean;
  framed?: boolean;
  columns: Column<T>[];
  rows: T[];
  rowKey: (row: T) => string;
}) {
  return (
    <div className={classes("table-wrap", framed && "card")}>
      <table className="table table-cards">
        <caption className={captionHidden ? "visually-hidden" : "table-caption"}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th key={column.label} scope="col" className={column.num ? "num" : undefined}>
                {column.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={rowKey(row)}>
              {columns.map((column) => (
                <td key={column.label} data-label={column.label} className={classes(column.num && "num", column.className)}>
                  {column.cell(row)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/**
 * «Новее» and «Старше» over a search's results, newest first: `shown` rows are on the page at
 * `offset`, `more` says whether an older page exists. Nothing while everything fits on one page.
 */
export function Pager({
  offset,
  pageSize,
  shown,
  more,
  busy,
  onPage,
}: {
  offset: number;
  pageSize: number;
  shown: number;
  more: boolean;
  busy: boolean;
  onPage: (offset: number) => void;
}) {
  if (offset === 0 && !more) return null;
  return (
    <nav className="form-actions" aria-label="Страницы результатов">
      <button type="button" className="button button-ghost" disabled={offset === 0 || busy} onClick={() => onPage(Math.max(0, offset - pageSize))}>
        Новее
      </button>
      <span className="muted small pager-note">
        {offset + 1}–{offset + shown}
      </span>
      <button type="button" className="button button-ghost" disabled={!more || busy} onClick={() => onPage(offset + pageSize)}>
        Старше
      </button>
    </nav>
  );
}
