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
  /** What the submission answered (null for the public form's readings, or without a tariff). */
  estimate?: Estimate | null;
}

/** What a reading will roughly cost at the account's tariff: an estimate, never a debt. */
export interface Estimate {
  /** Roubles, "97.45". */
  amount: string;
  /** The reading's billing period, "2026-12". */
  period: string;
  tariff_id: string;
}

export interface Submitted {
  id: string;
  status: "submitted";
  billing_period: string;
  message: string;
  estimate?: Estimate | null;
}

export interface ConsumptionItem {
  period: string;
  meter_id: string;
  zones: Record<string, number>;
  /** accepted: from readings billing accepted; pending: from the newest reading, not decided yet. */
  status?: "accepted" | "pending";
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

/** How a payment is paid: a card (the bank's card page, or a saved card) or SBP (a QR code). */
export type PayMethod = "card" | "sbp";

/** An SBP payment's QR code: `payload` is the NSPK link (a tap on a phone opens the bank's app),
 * `qr_svg` its QR code as a standalone SVG document. */
export interface SbpQr {
  qr_id: string;
  payload: string;
  qr_svg: string;
}

export interface StartedPayment {
  id: string;
  /** A saved card's payment the bank decided at once is already final. */
  status: PaymentStatus;
  amount: string;
  method?: PayMethod;
  /** The bank's card page, or the 3-D Secure challenge of a saved card; null when there is nowhere to go. */
  confirmation_url: string | null;
  sbp?: SbpQr | null;
}

/** A card the bank keeps for the subscriber (`GET /cards`), oldest first. */
export interface SavedCard {
  id: string;
  brand: CardBrand;
  pan_masked: string;
  /** "MM/YY". */
  expiry: string;
  created_at: string;
}

/** The last monthly payment autopay made (or tried). */
export interface AutopayAttempt {
  /** "YYYY-MM". */
  period: string;
  /** 1 on the day, 2 the retry on the day after. */
  attempt: number;
  status: "pending" | "succeeded" | "failed";
  amount: string;
  failure_reason: string | null;
  message: string;
  at: string;
}

/** `GET/PUT /accounts/{id}/autopay` (404 when none is set up). */
export interface Autopay {
  account_id: string;
  account_number: string;
  /** `disabled`: turned off after two failures (or the account unlinked); PUT turns it on again. */
  status: "active" | "disabled";
  disabled_reason: string | null;
  /** Why it is off, for a person; null while active. */
  message: string | null;
  /** The card it pays with; null once that card was deleted. */
  card: SavedCard | null;
  day_of_month: number;
  max_amount: string;
  /** "YYYY-MM-DD"; null while off. */
  next_payment_date: string | null;
  last_attempt: AutopayAttempt | null;
}

export interface BasketItem {
  account_id: string;
  amount: string;
}

/** One account's part of a basket: a payment of its own (in the account's history, `GET /payments/{id}`). */
export interface BasketPart extends BasketItem {
  account_number: string;
  payment_id: string;
  status: PaymentStatus;
}

/** `POST /payments/basket`: one bank order for several accounts, a payment of each. */
export interface StartedBasket {
  id: string;
  status: PaymentStatus;
  amount: string;
  method: PayMethod;
  items: BasketPart[];
  /** The bank's card page for the whole sum; null for SBP. */
  confirmation_url: string | null;
  sbp?: SbpQr | null;
}

/** `GET /payments/baskets/{id}`: the basket's outcome, for its result page. */
export interface Basket {
  id: string;
  status: PaymentStatus;
  amount: string;
  method: PayMethod;
  items: BasketPart[];
  card: Card | null;
  failure_reason: string | null;
  message: string;
  created_at: string;
  paid_at: string | null;
  expires_at: string | null;
}

export interface Payment {
  id: string;
  account_id: string;
  account_number: string;
  amount: string;
  status: PaymentStatus;
  /** Added later (additive): absent means a card. */
  method?: PayMethod;
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

/** One run of a scheduled job in one service (GET /operator/jobs, supervisors). */
export interface JobRun {
  service: string;
  id: number;
  job: string;
  /** The day the run worked for (YYYY-MM-DD, Crimea's calendar). */
  business_date: string;
  status: "running" | "finished" | "failed" | "interrupted";
  started_at: string;
  finished_at: string | null;
  batches: number;
  items: number;
  failures: number;
  error: string | null;
}

/** A scheduled job and who runs it now (null: nobody). */
export interface JobLease {
  service: string;
  job: string;
  runner: string | null;
  lease_until: string | null;
}

/** GET /operator/jobs: `unavailable` names the services that did not answer. */
export interface JobsOverview {
  runs: JobRun[];
  jobs: JobLease[];
  unavailable: string[];
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

/** What a letter's unsubscribe link turns off (`GET /public/unsubscribe?token=`, nothing changed). */
export interface UnsubscribeLink {
  kind: keyof LetterPreferences;
  /** Those letters in Russian: «напоминания о передаче показаний». */
  letters: string;
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

/** Appeals (обращения, services/notifications): the statuses registered → in_work → answered → closed;
 * a reply of the author reopens an answered appeal (back to in_work). */
export type AppealStatus = "registered" | "in_work" | "answered" | "closed";

export interface AppealTopic {
  code: string;
  title: string;
}

/** `POST /appeals`: «Обращение № 2026-000123 зарегистрировано. Ответ будет дан не позднее 20.01.2027». */
export interface AppealRegistered {
  id: string;
  number: string;
  status: AppealStatus;
  message: string;
}

export interface AppealAttachment {
  id: string;
  name: string;
  size: number;
  content_type: string;
}

export interface AppealMessage {
  id: string;
  author: "subscriber" | "staff";
  text: string;
  attachments: AppealAttachment[];
  at: string;
}

export interface Appeal {
  id: string;
  number: string;
  topic: string;
  topic_title: string;
  account_id: string | null;
  status: AppealStatus;
  registered_at: string;
  /** A calendar date, "2027-01-20". */
  due_date: string;
  overdue: boolean;
  updated_at: string;
}

export interface AppealDetail extends Appeal {
  messages: AppealMessage[];
}

/** A row of the appeals desk (`GET /operator/appeals`). */
export interface StaffAppeal extends Appeal {
  user_id: string;
  assignee_id: string | null;
}
