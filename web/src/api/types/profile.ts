/** The signed-in person (services/identity): the profile, live sessions, which letters they want. */

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
