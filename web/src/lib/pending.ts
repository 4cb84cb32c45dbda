/** What this tab keeps of an SBP payment or basket it started while the payer is in the bank's
 * app: its QR code, which `GET /payments/{id}` and `GET /payments/baskets/{id}` do not repeat, so
 * a reload of the result page still shows it (sessionStorage: this tab only, gone when it closes). */

import type { SbpQr } from "../api/types";

const SBP = "lka-sbp-";

function store(): Storage | null {
  try {
    return typeof sessionStorage === "undefined" ? null : sessionStorage;
  } catch {
    return null; // storage switched off: the pages do without
  }
}

/** Under the payment's or the basket's id (both UUIDs). */
export function rememberSbp(id: string, qr: SbpQr): void {
  try {
    store()?.setItem(SBP + id, JSON.stringify(qr));
  } catch {
    // full or forbidden: nothing to keep
  }
}

export function recallSbp(id: string): SbpQr | null {
  try {
    const text = store()?.getItem(SBP + id);
    const qr = text ? (JSON.parse(text) as SbpQr) : null;
    return qr && typeof qr.qr_svg === "string" && typeof qr.payload === "string" ? qr : null;
  } catch {
    return null;
  }
}

/** The QR code a result page shows: as the dialog passed it in the navigation's state, or as this tab kept it. */
export function sbpOf(state: unknown, id: string): SbpQr | null {
  const passed = state && typeof state === "object" ? (state as { sbp?: SbpQr | null }).sbp : null;
  if (passed && typeof passed.qr_svg === "string" && typeof passed.payload === "string") return passed;
  return recallSbp(id);
}
