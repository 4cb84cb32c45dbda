/** The staff's payment bodies (docs/contract.md §4 "Refunds", "Reconciliation"): the lookup, a
 * payment's story, refunds and the day's reconciliation with the bank. Money is the API's
 * decimal strings in roubles. */

import type { Card, PaymentStatus, PayMethod } from "./types";

export interface StaffPayment {
  id: string;
  user_id: string;
  account_id: string;
  region_code: string;
  account_number: string;
  amount: string;
  /** Given back to the card so far. */
  refunded_amount: string;
  status: PaymentStatus;
  method: PayMethod;
  card: Card | null;
  failure_reason: string | null;
  acquirer_order_id: string;
  order_number: string;
  basket_id: string | null;
  created_at: string;
  paid_at: string | null;
}

export type RefundStatus = "awaiting_approval" | "pending" | "succeeded" | "failed" | "rejected";

export interface Refund {
  id: string;
  payment_id: string;
  amount: string;
  reason: string;
  status: RefundStatus;
  requested_by: string;
  decided_by: string | null;
  decision_comment: string | null;
  failure_reason: string | null;
  created_at: string;
  decided_at: string | null;
  refunded_at: string | null;
}

export interface StoryLine {
  at: string;
  kind: string;
  detail: Record<string, unknown>;
}

export interface PaymentStory {
  payment: StaffPayment;
  /** Oldest first; the order's registration is the first. */
  events: StoryLine[];
  refunds: Refund[];
}

export type DiscrepancyKind = "missing_here" | "missing_at_bank" | "amount_mismatch" | "status_mismatch";

export interface Discrepancy {
  kind: DiscrepancyKind;
  acquirer_order_id: string | null;
  payment_id: string | null;
  bank_amount: string | null;
  our_amount: string | null;
  resolution: string;
}

export interface Reconciliation {
  date: string;
  status: "running" | "completed" | "failed";
  bank_total: string | null;
  our_total: string | null;
  matched: number | null;
  discrepancies: Discrepancy[];
  runs: number;
  started_at: string;
  finished_at: string | null;
}
