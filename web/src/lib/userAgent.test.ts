import { describe, expect, it } from "vitest";

import { browserName, isPhoneAgent, UNKNOWN_BROWSER } from "./userAgent";

describe("browserName", () => {
  it.each([
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36", "Chrome, Windows"],
    ["Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0", "Edge, Windows"],
    ["Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0", "Firefox, Linux"],
    ["Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1", "Safari, iOS"],
    ["Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 YaBrowser/24.10 Mobile Safari/537.36", "Яндекс Браузер, Android"],
    ["python-httpx/0.28.1", "python-httpx"],
  ])("%s is %s", (agent, name) => {
    expect(browserName(agent)).toBe(name);
  });

  it("says it does not know when there is nothing to go by", () => {
    expect(browserName(null)).toBe(UNKNOWN_BROWSER);
    expect(browserName("   ")).toBe(UNKNOWN_BROWSER);
  });
});

describe("isPhoneAgent", () => {
  it("knows a phone or a tablet from a desktop", () => {
    expect(isPhoneAgent("Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1")).toBe(true);
    expect(isPhoneAgent("Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Mobile Safari/537.36")).toBe(true);
    expect(isPhoneAgent("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")).toBe(false);
    expect(isPhoneAgent("")).toBe(false);
    expect(isPhoneAgent(null)).toBe(false);
  });
});
