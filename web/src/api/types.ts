/** Bodies of the portal's API (docs/contract.md §2), as the front end reads them. */

export interface Profile {
  user_id: string;
  email: string;
  email_confirmed: boolean;
  created_at: string;
  role: string;
}

export interface MessageOut {
  message: string;
}

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

export type RequestStatus = "pending" | "approved" | "rejected";

export interface LinkRequest {
  id: string;
  region_code: string;
  number: string;
  status: RequestStatus;
  comment: string | null;
  created_at: string;
  updated_at: string;
}

export interface OperatorLinkRequest extends LinkRequest {
  user_id: string;
}

export type LinkOutcome =
  | { status: "linked"; account: Account; message: string }
  | { status: "request_created"; request: LinkRequest; message: string };

export type EditOutcome = { status: "linked"; message: string } | { status: "pending"; request: LinkRequest };

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

export interface LastReading {
  values: Record<string, number>;
  date: string;
  source: string;
}

export interface Meter {
  id: string;
  serial_number: string;
  zones: string[];
  zone_titles?: string[];
  digits: number;
  last_reading: LastReading | null;
}

export type ReadingStatus = "submitted" | "sent" | "accepted" | "rejected";

export interface Reading {
  id: string;
  meter_id: string;
  values: Record<string, number>;
  submitted_at: string;
  billing_period: string;
  source: string;
  status: ReadingStatus;
  status_reason: string | null;
}

export interface Submitted {
  id: string;
  status: "submitted";
  billing_period: string;
  message: string;
}

export interface ConsumptionItem {
  period: string;
  meter_id: string;
  zones: Record<string, number>;
}

export type CardBrand = "mir" | "visa" | "mastercard";

export interface Card {
  brand: CardBrand;
  pan_masked: string;
}

export type PaymentStatus = "pending" | "succeeded" | "failed" | "expired" | "refunded";

export interface StartedPayment {
  id: string;
  status: "pending";
  amount: string;
  confirmation_url: string;
}

export interface Payment {
  id: string;
  account_id: string;
  amount: string;
  status: PaymentStatus;
  card: Card | null;
  failure_reason: string | null;
  message: string;
  created_at: string;
  paid_at: string | null;
}

export interface HistoryItem {
  id: string;
  amount: string;
  status: PaymentStatus;
  source: "online" | "billing";
  channel: string;
  card: Card | null;
  created_at: string;
  paid_at: string | null;
}

export interface Feedback {
  id: string;
  topic: string;
  message: string;
  email: string | null;
  name: string | null;
  user_id: string | null;
  created_at: string;
}
