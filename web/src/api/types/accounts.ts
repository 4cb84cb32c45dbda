/** Personal accounts (services/accounts): linking one, the operators' review of a request, billing's data, bills. */

export interface Region {
  code: string;
  name: string;
}

export interface Account {
  id: string;
  region: Region;
  number: string;
  address: string;
  debt: string;
  penalty: string;
  amount_due: string;
  balance_as_of: string;
  pending_payments: string;
}

export type RequestStatus = "pending" | "approved" | "rejected" | "withdrawn";

/** What the subscriber entered last: one of the two proofs (null for a request filed before proofs were kept). */
export type RequestProof = { last_payment_amount: string } | { surname_prefix: string };

export interface LinkRequest {
  id: string;
  region_code: string;
  number: string;
  status: RequestStatus;
  comment: string | null;
  created_at: string;
  updated_at: string;
  proof?: RequestProof | null;
  /** What the request means now (pending: why, who reviews it and how soon; rejected: how to go on). */
  note?: string | null;
}

/** Billing's side of an operator's card: never sent for a number billing does not know. */
export interface BillingSide {
  surname_prefix: string;
  last_payment: { amount: string; date: string } | null;
  proof_matches: boolean | null;
}

export interface RequestHistory {
  requests: { id: string; requester_email: string | null; status: RequestStatus; created_at: string; updated_at: string; decided_at: string | null }[];
  failed_attempts: { days: number; count: number; times: string[] };
}

export interface OperatorLinkRequest extends Omit<LinkRequest, "note"> {
  user_id: string;
  /** Masked: `iv***@mail.ru`. */
  requester_email?: string | null;
  billing?: BillingSide | null;
  history?: RequestHistory;
}

export type LinkOutcome =
  | { status: "linked"; account: Account; message: string }
  | { status: "request_created"; request: LinkRequest; message: string; explanation?: string };

export type EditOutcome =
  | { status: "linked"; message: string }
  | { status: "pending"; request: LinkRequest; message?: string; explanation?: string };

/** The proof of a link: exactly one of the two. */
export type LinkBody = { region_code: string; number: string } & (
  | { last_payment_amount: string; surname_prefix?: never }
  | { surname_prefix: string; last_payment_amount?: never }
);

export interface BillingAccount extends Account {
  owner_surname: string;
  owner_initials: string;
  last_payment: { amount: string; date: string } | null;
}

/** One line of a bill: a zone's kWh at its price. */
export interface BillLine {
  title: string;
  zone: string;
  quantity_kwh: number;
  /** Roubles per kWh. */
  price: string;
  amount: string;
}

/** `GET /accounts/{id}/bills` (newest first) and `GET /accounts/{id}/bills/{bill_id}`: billing's bill (квитанция). */
export interface Bill {
  id: string;
  /** The month billed, "2026-11". */
  period: string;
  issued_at: string;
  /** Debt at the start of the month: > 0 owed, < 0 overpaid. */
  opening_balance: string;
  lines: BillLine[];
  charged: string;
  payments: string;
  penalty: string;
  /** < 0: overpaid. */
  total_due: string;
  due_date: string;
  /** The PDF, "/api/v1/accounts/{id}/bills/{bill_id}.pdf". */
  pdf_url: string;
}

/** `GET`/`PUT /accounts/{id}/paperless`: bills by e-mail with the PDF instead of paper. */
export interface Paperless {
  account_id: string;
  enabled: boolean;
  /** What changed, for people (on PUT). */
  message?: string | null;
}
