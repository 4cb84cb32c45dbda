/** A subscriber's payments (services/payments): cards, SBP, baskets, autopay, the history. The staff's side is ../finance.ts. */

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
