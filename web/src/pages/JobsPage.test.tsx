import { screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { afterEach, describe, expect, it, vi } from "vitest";

import type { JobRun } from "../api/types";
import { fakeApi, PROFILE, renderApp, signedInCookie } from "../test/helpers";
import { unavailableText } from "./JobsPage";

afterEach(() => vi.unstubAllGlobals());

const FIRST = "GET /api/v1/operator/jobs?limit=50";
const SECOND = "GET /api/v1/operator/jobs?limit=50&offset=50";

function run(id: number, fields: Partial<JobRun> = {}): JobRun {
  return {
    service: "payments",
    id,
    job: "payments.autopay",
    business_date: "2026-12-15",
    status: "finished",
    started_at: "2026-12-15T07:00:00Z",
    finished_at: "2026-12-15T07:00:04Z",
    batches: 2,
    items: 37,
    failures: 0,
    error: null,
    ...fields,
  };
}

const FAILED = run(900, {
  service: "readings",
  job: "readings.reading_window",
  status: "failed",
  started_at: "2026-12-15T07:10:00Z",
  finished_at: "2026-12-15T07:10:02Z",
  batches: 1,
  items: 12,
  failures: 3,
  error: "RuntimeError: нет связи с почтой",
});
const RUNNING = run(901, { started_at: "2026-12-15T07:20:00Z", status: "running", finished_at: null, items: 5, batches: 1 });
const LEASES = [
  { service: "payments", job: "payments.autopay", runner: "payments-consumer-7d9f:1:ab12cd34", lease_until: "2026-12-15T07:22:00Z" },
  { service: "readings", job: "readings.reading_window", runner: null, lease_until: null },
];

function as(role: string) {
  signedInCookie();
  return { "GET /api/v1/profile": { status: 200, body: { ...PROFILE, role } }, "GET /api/v1/regions": { status: 200, body: [] } };
}

describe("«Плановые задания»", () => {
  it("shows a supervisor every service's runs in Russian, who runs what now, and which service did not answer", async () => {
    const older = Array.from({ length: 48 }, (_, n) => run(800 - n, { started_at: `2026-12-14T${String(10 + (n % 10)).padStart(2, "0")}:00:00Z` }));
    const seen = fakeApi({
      ...as("supervisor"),
      [FIRST]: { status: 200, body: { runs: [RUNNING, FAILED, ...older], jobs: LEASES, unavailable: ["accounts"] } },
      [SECOND]: { status: 200, body: { runs: [run(700, { service: "accounts", job: "accounts.debt", items: 2 })], jobs: [], unavailable: [] } },
    });
    const user = userEvent.setup();
    renderApp("/operator/jobs");

    const runs = await screen.findByRole("table", { name: "Запуски заданий" });
    const [, first, second] = within(runs).getAllByRole("row");
    expect(first).toHaveTextContent("Автоплатежи");
    expect(first).toHaveTextContent("Платежи");
    expect(first).toHaveTextContent("Выполняется");
    expect(first).toHaveTextContent("1 / 5 / 0");
    expect(second).toHaveTextContent("Напоминание о передаче показаний");
    expect(second).toHaveTextContent("15.12.2026");
    expect(second).toHaveTextContent("Ошибка");
    expect(second).toHaveTextContent("1 / 12 / 3");
    expect(second).toHaveTextContent("RuntimeError: нет связи с почтой");
    expect(second).toHaveTextContent("15.12.2026, 10:10"); // started, in Crimea's time

    const leases = screen.getByRole("table", { name: "Задания сейчас" });
    expect(within(leases).getAllByRole("row")[1]).toHaveTextContent("Выполняется до 15.12.2026, 10:22");
    expect(within(leases).getAllByRole("row")[1]).toHaveTextContent("payments-consumer-7d9f:1:ab12cd34");
    expect(within(leases).getAllByRole("row")[2]).toHaveTextContent("Не выполняется");
    expect(screen.getByText(/Не ответила служба «Лицевые счета»/)).toBeInTheDocument();
    expect(screen.getByRole("link", { name: "Задания" })).toBeInTheDocument();

    await user.click(screen.getByRole("button", { name: "Показать еще" }));

    expect(await screen.findByText("Напоминание о задолженности")).toBeInTheDocument();
    expect(within(runs).getAllByRole("row")).toHaveLength(1 + 51);
    // The second page: a short one, so nothing more to show.
    expect(screen.queryByRole("button", { name: "Показать еще" })).toBeNull();
    expect(seen.map((call) => call.url)).toContain(SECOND.slice("GET ".length));
  });

  it("says so when no run was recorded yet, and offers no more", async () => {
    fakeApi({ ...as("supervisor"), [FIRST]: { status: 200, body: { runs: [], jobs: [], unavailable: [] } } });
    renderApp("/operator/jobs");

    expect(await screen.findByText("Запусков пока не было.")).toBeInTheDocument();
    expect(screen.queryByRole("button", { name: "Показать еще" })).toBeNull();
    expect(screen.queryByText(/Не ответил/)).toBeNull();
  });

  it("is not in an operator's menu, and tells an operator who opens it that it is not theirs", async () => {
    const seen = fakeApi({ ...as("operator"), "GET /api/v1/operator/link-requests?status=pending": { status: 200, body: [] } });
    renderApp("/operator/jobs");

    expect(await screen.findByText("Плановые задания доступны только старшим операторам.")).toBeInTheDocument();
    expect(screen.queryByRole("link", { name: "Задания" })).toBeNull();
    expect(seen.some((call) => call.url.startsWith("/api/v1/operator/jobs"))).toBe(false);
  });

  it("names the services that did not answer, in Russian", () => {
    expect(unavailableText(["payments"])).toBe("Не ответила служба «Платежи»: ее запусков и заданий здесь нет. Обновите страницу позже.");
    expect(unavailableText(["payments", "readings"])).toBe(
      "Не ответили службы «Платежи», «Показания»: их запусков и заданий здесь нет. Обновите страницу позже.",
    );
  });
});
