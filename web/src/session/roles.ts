/** Who a profile is: the supplier's staff (operators and supervisors) are not subscribers,
 * so they get the staff pages and never the subscriber's (the API refuses staff those). */

import type { Profile } from "../api/types";

const STAFF_ROLES = new Set(["operator", "supervisor"]);

export function isStaff(profile: Profile | null | undefined): boolean {
  return profile != null && STAFF_ROLES.has(profile.role);
}

/** Supervisors also read the audit («Журнал действий»); operators do not. */
export function isSupervisor(profile: Profile | null | undefined): boolean {
  return profile?.role === "supervisor";
}

/** Where a signed-in person starts: a subscriber's accounts, or staff's work queue. */
export function homeOf(profile: Profile | null | undefined): string {
  return isStaff(profile) ? "/operator/link-requests" : "/accounts";
}

export const ROLE_NAMES: Record<string, string> = { operator: "Оператор", supervisor: "Старший оператор" };

/** Where a supervisor manages the staff («Сотрудники»). */
export const STAFF_MANAGEMENT = "/operator/staff";
