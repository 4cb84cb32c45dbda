/** The staff (docs/contract.md §4): sign-in with a code, the team and its invitations, the audit, scheduled jobs. */

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
