import { screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeApi, renderRoute } from "../test/helpers";
import { ResetPasswordPage } from "./PasswordPages";

afterEach(() => vi.unstubAllGlobals());

const INVALID = "Ссылка недействительна или устарела. Запросите новую";

describe("the reset link", () => {
  it("is checked before the form: a dead one is said at once, with the way to a new one", async () => {
    const seen = fakeApi({ "POST /api/v1/auth/password/reset/check": { status: 400, body: { code: "invalid_token", detail: INVALID } } });
    renderRoute("/password/reset?token=abc", "/password/reset", <ResetPasswordPage />);

    expect(await screen.findByRole("alert")).toHaveTextContent(INVALID);
    expect(screen.getByRole("link", { name: "Запросить новую ссылку" })).toHaveAttribute("href", "/password/forgot");
    expect(screen.queryByLabelText("Новый пароль")).toBeNull();
    expect(seen.map((c) => [c.url, c.body])).toEqual([["/api/v1/auth/password/reset/check", { token: "abc" }]]);
  });

  it("shows the form for a link that works", async () => {
    fakeApi({ "POST /api/v1/auth/password/reset/check": { status: 200, body: { message: "Ссылка действительна. Придумайте новый пароль" } } });
    renderRoute("/password/reset?token=abc", "/password/reset", <ResetPasswordPage />);

    expect(await screen.findByLabelText("Новый пароль")).toBeInTheDocument();
  });

  it("needs no call for a link without a token", async () => {
    const seen = fakeApi({});
    renderRoute("/password/reset", "/password/reset", <ResetPasswordPage />);

    expect(await screen.findByRole("alert")).toHaveTextContent(INVALID);
    expect(seen).toHaveLength(0);
  });
});
