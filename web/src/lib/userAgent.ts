/** A browser's name for a person, from its User-Agent: «Chrome, Windows», «Safari, iOS».
 *
 * Deliberately simple (the session list only needs a recognisable name), and the same order of
 * markers as identity's letter about a new browser (lka_identity/domain/browsers.py): browsers
 * built on Chrome say «Chrome» too, and Chrome says «Safari», so the specific ones come first. */

const BROWSERS: [string, string][] = [
  ["YaBrowser/", "Яндекс Браузер"],
  ["Edg/", "Edge"],
  ["EdgA/", "Edge"],
  ["EdgiOS/", "Edge"],
  ["OPR/", "Opera"],
  ["SamsungBrowser/", "Samsung Internet"],
  ["Firefox/", "Firefox"],
  ["FxiOS/", "Firefox"],
  ["CriOS/", "Chrome"],
  ["Chromium/", "Chromium"],
  ["Chrome/", "Chrome"],
  ["Safari/", "Safari"],
];

const SYSTEMS: [string, string][] = [
  ["Windows", "Windows"],
  ["Android", "Android"],
  ["iPhone", "iOS"],
  ["iPad", "iPadOS"],
  ["Mac OS X", "macOS"],
  ["CrOS", "ChromeOS"],
  ["Linux", "Linux"],
];

export const UNKNOWN_BROWSER = "Неизвестный браузер";

export function browserName(userAgent: string | null | undefined): string {
  if (!userAgent || !userAgent.trim()) return UNKNOWN_BROWSER;
  const browser = BROWSERS.find(([marker]) => userAgent.includes(marker))?.[1] ?? /^([A-Za-z][A-Za-z0-9._-]{0,39})/.exec(userAgent.trim())?.[1];
  const system = SYSTEMS.find(([marker]) => userAgent.includes(marker))?.[1];
  const name = browser ?? UNKNOWN_BROWSER;
  return system ? `${name}, ${system}` : name;
}

/** A phone or tablet, by its User-Agent: where a link can open the bank's app. */
export function isPhoneAgent(userAgent: string | null | undefined): boolean {
  return !!userAgent && /Android|iPhone|iPad|iPod|Mobile|Opera Mini|IEMobile/i.test(userAgent);
}

/** The narrow screens the stylesheet lays out as a phone (app.css, max-width 720px). */
export const PHONE_MEDIA = "(max-width: 720px)";
