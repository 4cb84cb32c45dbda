/** Meters and their readings (services/readings), the public form's included. */

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

/** `POST /public/readings/meter`: the meter the public form's three fields name, nothing more. */
export interface PublicMeter {
  zones: string[];
  zone_titles: string[];
  digits: number;
}
