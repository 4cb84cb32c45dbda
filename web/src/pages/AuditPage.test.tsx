import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import { fakeApi, PROFILE, renderApp, signedInCookie } from "../test/helpers";
import { auditQuery } from "./AuditPage";

afterEach(() => vi.unstubAllGlobals());

const FIRST = "GET /api/v1/operator/audit?limit=50";
const RECORD = {
  service: "accounts",
  id: 17,
  at: "2026-12-07T09:30:00Z",
  actor_user_id: "5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d",
  actor_role: "operator",
  action: "link_request.approve",
  object_type: "link_request",
  object_id: "1f2e3d4c-5b6a-4798-8a7b-6c5d4e3f2a1b",
  client_address: "198.51.100.7",
  request_id: "req-1",
  outcome: "refused:same_actor",
};

function as(role: string) {
  signedInCookie();
  return { "GET /api/v1/profile": { status: 200, body: { ...PROFILE, role } }, "GET /api/v1/regions": { status: 200, body: [] } };
}

describe("«Журнал действий»", () => {
  it("shows a supervisor every service's records and searches by the filters", async () => {
    const searched =
      "GET /api/v1/operator/audit?actor_user_id=5a0c6f0e-2f4b-4b8e-9c1d-3e2f1a0b9c8d&action=link_request.approve" +
      "&object_id=1f2e3d4c&from=2026-12-06T21%3A00%3A00.000Z&to=2026-12-07T21%3A00%3A00.000Z&limit=50";
    const seen = fakeApi({ ...as("supervisor"), [FIRST]: { status: 200, body: [RECORD] }, [searched]: { status: 200, body: [] } });
    const user = userEvent.setup();
    renderApp("/operator/audit");

    const table = await screen.findByRole("table", { name: "Записи журнала" });
    const row = within(table).getAllByRole("row")[1];
    expect(row).toHaveTextContent("Лицевые счета");
    expect(row).toHaveTextContent("Оператор");
    expect(row).toHaveTextContent("Одобрение заявки");
    expect(row).toHaveTextContent("Отказ (same_actor)");
    expect(row).toHaveTextContent("198.51.100.7");
    expect(screen.getByRole("link", { name: "Журнал действий" })).toBeInTheDocument();

    await user.type(screen.getByLabelText("Сотрудник (идентификатор)"), RECORD.actor_user_id);
    await user.selectOptions(screen.getByLabelText("Действие"), "link_request.approve");
    await user.type(screen.getByLabelText("Объект (идентификатор)"), "1f2e3d4c");
    await user.type(screen.getByLabelText("С даты"), "2026-12-07");
    await user.type(screen.getByLabelText("По дату"), "2026-12-07");
    await user.click(screen.getByRole("button", { name: "Найти" }));

    expect(await screen.findByText("Записей не найдено.")).toBeInTheDocument();
    expect(seen.map((call) => call.url)).toContain(searched.slice("GET ".length));
  });

  it("pages to older records fifty at a time", async () => {
    const full = Array.from({ length: 50 }, (_, i) => ({ ...RECORD, id: 100 - i }));
    fakeApi({
      ...as("supervisor"),
      [FIRST]: { status: 200, body: full },
      "GET /api/v1/operator/audit?limit=50&offset=50": { status: 200, body: [{ ...RECORD, id: 1, action: "audit.search" }] },
    });
    const user = userEvent.setup();
    renderApp("/operator/audit");

    const table = await screen.findByRole("table", { name: "Записи журнала" });
    expect(within(table).getAllByRole("row")).toHaveLength(51);
    const pages = screen.getByRole("navigation", { name: "Страницы результатов" });
    expect(pages).toHaveTextContent("1–50");
    await user.click(within(pages).getByRole("button", { name: "Старше" }));

    expect(await screen.findByRole("cell", { name: "Поиск в журнале действий" })).toBeInTheDocument();
    expect(screen.getByRole("navigation", { name: "Страницы результатов" })).toHaveTextContent("51–51");
    expect(screen.getByRole("button", { name: "Старше" })).toBeDisabled();
    await user.click(screen.getByRole("button", { name: "Новее" }));
    expect(await screen.findAllByRole("cell", { name: "Одобрение заявки" })).toHaveLength(50);
  });

  it("is not in an operator's menu, and tells an operator who opens it that it is not theirs", async () => {
    const seen = fakeApi({ ...as("operator"), "GET /api/v1/operator/link-requests?status=pending": { status: 200, body: [] } });
    renderApp("/operator/audit");

    expect(await screen.findByText("Журнал действий доступен только старшим операторам.")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Журнал действий" })).toBeNull();
    expect(screen.getByRole("link", { name: "Заявки" })).toBeInTheDocument();
    expect(seen.some((call) => call.url.startsWith("/api/v1/operator/audit"))).toBe(false);
  });

  it("asks for whole days in Crimea, the last one included", () => {
    const query = auditQuery({ actor: " ", action: "", object: "", from: "2026-01-01", to: "2026-01-31" }, 50);
    expect(query).toBe("/operator/audit?from=2025-12-31T21%3A00%3A00.000Z&to=2026-01-31T21%3A00%3A00.000Z&limit=50&offset=50");
  });
});
