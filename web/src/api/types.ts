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
  /** accepted: from readings billing accepted; pending: from the newest reading, not decided yet. */
  status?: "accepted" | "pending";
}

/** `POST /public/readings/meter`: the meter the public form's three fields name, nothing more. */
export interface PublicMeter {
  zones: string[];
  zone_titles: string[];
  digits: number;
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
  account_number: string;
  amount: string;
  status: PaymentStatus;
  card: Card | null;
  failure_reason: string | null;
  message: string;
  created_at: string;
  paid_at: string | null;
  /** While pending: when the bank's card page lapses (then the payment turns expired); null once settled. */
  expires_at: string | null;
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
  /** As `Payment.expires_at`. */
  expires_at: string | null;
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

/** One staff action or read, from any service's audit chain (GET /operator/audit, supervisors only). */
export interface AuditRecord {
  service: string;
  id: number;
  at: string;
  actor_user_id: string;
  actor_role: string;
  action: string;
  object_type: string;
  object_id: string | null;
  client_address: string | null;
  request_id: string | null;
  /** "ok", or "refused:<code>" with the problem code the staff member was answered. */
  outcome: string;
}

/** One of the signed-in person's live sessions (GET /profile/sessions). */
export interface SessionInfo {
  id: string;
  created_at: string;
  /** Its latest sign-in or refresh. */
  last_seen_at: string;
  client_address: string | null;
  user_agent: string | null;
  /** The session of this browser. */
  current: boolean;
}

/** Which letters beyond the transactional ones the person wants (GET/PUT /profile/notifications). */
export interface LetterPreferences {
  reading_window: boolean;
  verification_due: boolean;
  debt: boolean;
  bill_issued: boolean;
  payment_receipts: boolean;
  /** A letter on a sign-in from a browser not seen before (beside the contract's five). */
  new_sign_in: boolean;
}

/** Staff sign-in's first step (docs/contract.md §4): no tokens yet, a code is asked for. */
export interface MfaRequired {
  mfa_required: true;
  mfa_token: string;
  expires_in: number;
}

export type StaffRole = "operator" | "supervisor";

/** A staff profile as supervisors see it (`GET /staff`). */
export interface StaffMember {
  user_id: string;
  email: string;
  role: StaffRole;
  status: "active" | "disabled";
  mfa_enrolled: boolean;
  last_sign_in_at: string | null;
}

export interface StaffInvitation {
  id: string;
  email: string;
  role: StaffRole;
  expires_at: string;
  message: string;
}

/** An accepted invitation: shown once. `qr_svg` is the QR code of `otpauth_uri` as an SVG document. */
export interface Enrolment {
  otpauth_uri: string;
  recovery_codes: string[];
  qr_svg: string;
  message: string;
}
