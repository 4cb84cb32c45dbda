/** «Скачать PDF»: a bill's PDF through the cookie session (renewed once if the access cookie ran
 * out, as every call is), saved under the name the server gives it. The link's own address is the
 * PDF's, so opening it in a new tab shows the bill too. */

import { useState } from "react";

import { API_PREFIX, messageOf, requestFile } from "../api/client";
import type { Bill } from "../api/types";
import { apiPath, billFilename, billTitle, dispositionFilename } from "../lib/bills";

/** Hands the bytes to the browser as a download (a `blob:` address, let go of a moment later). */
export function save(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export function BillPdfLink({ bill, accountNumber, className }: { bill: Bill; accountNumber?: string; className?: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function download() {
    setBusy(true);
    setError(null);
    try {
      const { blob, disposition } = await requestFile(apiPath(bill.pdf_url, API_PREFIX), "application/pdf");
      save(blob, dispositionFilename(disposition) ?? billFilename(accountNumber, bill.period));
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="bill-pdf">
      <a
        className={className ?? "button button-secondary"}
        href={bill.pdf_url}
        download={billFilename(accountNumber, bill.period)}
        aria-label={`Скачать PDF: ${billTitle(bill).toLowerCase()}`}
        aria-busy={busy || undefined}
        onClick={(event) => {
          event.preventDefault();
          if (!busy) void download();
        }}
      >
        {busy ? "Загрузка…" : "Скачать PDF"}
      </a>
      {error ? (
        <span role="alert" className="field-error">
          {error}
        </span>
      ) : null}
    </span>
  );
}
