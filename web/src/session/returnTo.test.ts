import { describe, expect, it } from "vitest";

import { afterSignIn, signInPath, sitePath } from "./returnTo";

const SUBSCRIBER = { user_id: "u1", email: "ivanov@example.ru", email_confirmed: true, created_at: "2026-11-01T10:00:00Z", role: "subscriber" };
const OPERATOR = { ...SUBSCRIBER, role: "operator" };

describe("the page to return to after sign-in", () => {
  it("is remembered in the sign-in page's address, readably", () => {
    expect(signInPath("/payments")).toBe("/?next=/payments");
    expect(signInPath("/payments/p1/result?orderId=x&y=1")).toBe("/?next=/payments/p1/result%3ForderId%3Dx%26y%3D1");
    expect(new URLSearchParams(signInPath("/payments/p1/result?orderId=x&y=1").slice(2)).get("next")).toBe("/payments/p1/result?orderId=x&y=1");
    expect(signInPath("/")).toBe("/");
  });

  it.each([
    "//evil.example",
    "//evil.example/payments",
    "https://evil.example/",
    "http:/evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    "/ /evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "payments",
    "",
  ])("never leaves the site: %j", (next) => {
    expect(sitePath(next)).toBeNull();
    expect(afterSignIn(next, SUBSCRIBER)).toBe("/accounts");
    expect(afterSignIn(next, OPERATOR)).toBe("/operator/link-requests");
  });

  it("opens a subscriber's own pages, with their query", () => {
    expect(afterSignIn("/payments", SUBSCRIBER)).toBe("/payments");
    expect(afterSignIn("/payments/p1/result?orderId=x", SUBSCRIBER)).toBe("/payments/p1/result?orderId=x");
    expect(afterSignIn("/profile", SUBSCRIBER)).toBe("/profile");
    // The link of the letter to a new address, opened signed out (issue 19).
    expect(afterSignIn("/confirm-email-change?token=Abc-1_x", SUBSCRIBER)).toBe("/confirm-email-change?token=Abc-1_x");
    expect(afterSignIn("/confirm-email-change?token=Abc", OPERATOR)).toBe("/operator/link-requests");
    expect(afterSignIn("/operator/feedback", SUBSCRIBER)).toBe("/accounts");
    // The link of the letter with an appeal's answer (issue 25); «Обращения» and a new one.
    expect(afterSignIn("/appeals/5f0c1a4e-0000-4000-8000-000000000004", SUBSCRIBER)).toBe("/appeals/5f0c1a4e-0000-4000-8000-000000000004");
    expect(afterSignIn("/appeals", SUBSCRIBER)).toBe("/appeals");
    expect(afterSignIn("/appeals/new", SUBSCRIBER)).toBe("/appeals/new");
    expect(afterSignIn("/appeals/a/b", SUBSCRIBER)).toBe("/accounts");
    expect(afterSignIn("/register", SUBSCRIBER)).toBe("/accounts");
    expect(afterSignIn("/%2F%2Fevil.example", SUBSCRIBER)).toBe("/accounts");
    expect(afterSignIn(null, SUBSCRIBER)).toBe("/accounts");
  });

  it("opens only the staff's pages for staff", () => {
    expect(afterSignIn("/operator/feedback", OPERATOR)).toBe("/operator/feedback");
    expect(afterSignIn("/operator/appeals", OPERATOR)).toBe("/operator/appeals");
    expect(afterSignIn("/operator/appeals/a1", OPERATOR)).toBe("/operator/appeals/a1");
    expect(afterSignIn("/profile", OPERATOR)).toBe("/profile");
    expect(afterSignIn("/payments", OPERATOR)).toBe("/operator/link-requests");
    expect(afterSignIn("/operator", OPERATOR)).toBe("/operator/link-requests");
  });
});
