/**
 * Where to go after sign-in. A private page opened signed out sends the visitor to
 * «Авторизация» with the page in the address (`/?next=/payments`), so a reload or a new tab keeps
 * it; after sign-in the page opens if it is one of this person's (a subscriber's pages for a
 * subscriber, the staff's for staff, «Профиль» for both), else their home.
 *
 * `next` comes from the address bar, i.e. from anyone who sends a link: only a path of this
 * site is ever followed — never `//host`, `/\host`, `https://…` or anything a browser could
 * read as another origin (no open redirect).
 */

import type { Profile } from "../api/types";
import { homeOf, isStaff } from "./roles";

const SUBSCRIBER_PAGES = [
  /^\/accounts$/,
  /^\/payments$/,
  /^\/payments\/[^/]+\/result$/,
  /^\/readings$/,
  /^\/appeals(?:\/[^/]+)?$/, // «Обращения», a new one, and one appeal (the link of the answer's letter)
  /^\/profile$/,
  /^\/confirm-email-change$/, // the link of the letter to a new address
];
const STAFF_PAGES = [/^\/operator\/(?:link-requests|feedback|billing-accounts|appeals)$/, /^\/operator\/appeals\/[^/]+$/, /^\/operator\/payments(?:\/[^/]+)?$/, /^\/operator\/staff$/, /^\/profile$/];
const ORIGIN = "https://lka.invalid";

/** `/?next=/payments`: the sign-in page that remembers `target` (a path with its query). */
export function signInPath(target: string): string {
  if (!target || target === "/" || !target.startsWith("/")) return "/";
  return `/?next=${encodeURIComponent(target).replace(/%2F/gi, "/")}`;
}

/** A path of this site (with its query and fragment), or null for anything else. */
export function sitePath(next: string | null | undefined): string | null {
  if (typeof next !== "string" || next.length > 2000) return null;
  // One leading slash, then not a second one nor a backslash (which browsers read as a slash);
  // no backslash, space or control character anywhere.
  if (!/^\/(?![/\\])/.test(next) || /[\\\s\u0000-\u001f\u007f]/.test(next)) return null;
  let url: URL;
  try {
    url = new URL(next, ORIGIN);
  } catch {
    return null;
  }
  if (url.origin !== ORIGIN) return null;
  return url.pathname + url.search + url.hash;
}

/** Where `profile` goes after signing in: `next` when it is one of their pages, else their home. */
export function afterSignIn(next: string | null | undefined, profile: Profile | null | undefined): string {
  const home = homeOf(profile);
  const path = sitePath(next);
  if (path === null) return home;
  const pathname = path.split(/[?#]/, 1)[0];
  const pages = isStaff(profile) ? STAFF_PAGES : SUBSCRIBER_PAGES;
  return pages.some((page) => page.test(pathname)) ? path : home;
}
