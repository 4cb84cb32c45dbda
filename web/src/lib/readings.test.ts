import { describe, expect, it } from "vitest";

import { ApiError, problemToError } from "../api/client";
import type { Meter } from "../api/types";
import { NOT_ACCEPTED, parseReading, publicReadingErrors, readingErrors, readingValues, zoneTitle } from "./readings";

const meter: Meter = {
  id: "m",
  serial_number: "M230-0202",
  zones: ["T1", "T2"],
  zone_titles: ["T1 день", "T2 ночь"],
  digits: 6,
  last_reading: { values: { T1: 8123, T2: 3456.5 }, date: "2026-10-20", source: "billing" },
};

describe("the form's own checks", () => {
  it("reads a decimal comma and digit groups", () => {
    expect(parseReading("8 130,25", "T1")).toEqual({ value: 8130.25 });
    expect(parseReading("", "T1")).toEqual({ error: "Укажите показание T1" });
    expect(parseReading("1.234", "T2")).toEqual({ error: "Показание T2: не больше двух знаков после запятой" });
    expect(parseReading("-1", "T1")).toEqual({ error: "Показание T1 не может быть отрицательным" });
    expect(parseReading("1000000", "T1", 6)).toEqual({ error: "Показание T1 длиннее, чем может показать счетчик (6 цифр до запятой)" });
    expect(parseReading("10000", "T1", 4)).toEqual({ error: "Показание T1 длиннее, чем может показать счетчик (4 цифры до запятой)" });
  });

  it("asks every zone of the meter", () => {
    expect(readingValues(meter, { T1: "8130", T2: "3460,5" })).toEqual({ values: { T1: 8130, T2: 3460.5 } });
    expect(readingValues(meter, { T1: "8130" })).toEqual({ errors: { T2: "Укажите показание T2" } });
    expect(zoneTitle(meter, "T2")).toBe("T2 ночь");
    expect(zoneTitle({ zones: ["T1"] }, "T1")).toBe("T1");
  });
});

describe("the API's refusals", () => {
  it("go next to their zones", () => {
    const error = problemToError(
      422,
      {
        code: "reading_decreased",
        detail: "Показание T1 меньше предыдущего (8 123)",
        errors: [
          { field: "values.T1", message: "Показание T1 меньше предыдущего (8 123)" },
          { field: "values.T2", message: "Расход по T2 (20 000 кВт·ч) больше возможного за месяц (10 000 кВт·ч). Проверьте показание" },
        ],
      },
      null,
    );
    expect(readingErrors(error, meter.zones)).toEqual({
      zones: {
        T1: "Показание T1 меньше предыдущего (8 123)",
        T2: "Расход по T2 (20 000 кВт·ч) больше возможного за месяц (10 000 кВт·ч). Проверьте показание",
      },
      form: "Проверьте показания",
    });
  });

  it("one zone's refusal needs no second message", () => {
    const error = problemToError(422, { code: "reading_out_of_range", detail: "Показание T2 не может быть отрицательным", errors: [{ field: "body.values.T2", message: "Показание T2 не может быть отрицательным" }] }, null);
    expect(readingErrors(error, meter.zones)).toEqual({ zones: { T2: "Показание T2 не может быть отрицательным" }, form: null });
  });

  it("a wrong set of zones or a duplicate is the form's", () => {
    const mismatch = problemToError(422, { code: "zones_mismatch", detail: "Для этого счетчика укажите показания по зонам: T1 день, T2 ночь", errors: [{ field: "values", message: "Для этого счетчика укажите показания по зонам: T1 день, T2 ночь" }] }, null);
    expect(readingErrors(mismatch, meter.zones)).toEqual({ zones: {}, form: "Для этого счетчика укажите показания по зонам: T1 день, T2 ночь" });
    const duplicate = problemToError(409, { code: "duplicate_reading", detail: "Эти показания уже переданы и будут учтены за ноябрь 2026 года" }, null);
    expect(readingErrors(duplicate, meter.zones)).toEqual({ zones: {}, form: "Эти показания уже переданы и будут учтены за ноябрь 2026 года" });
    expect(readingErrors(new ApiError(0, "network_error", "Сервис временно недоступен, попробуйте позже"), meter.zones).form).toBe("Сервис временно недоступен, попробуйте позже");
  });
});

describe("the public form's refusals", () => {
  it("are one message whatever the zone or the direction, never a zone's", () => {
    const notAccepted = problemToError(422, { code: "reading_not_accepted", detail: NOT_ACCEPTED, errors: [{ field: "values", message: NOT_ACCEPTED }] }, null);
    // As an older API replica might still answer during an update: the page must not pass it on.
    const decreased = problemToError(
      422,
      { code: "reading_decreased", detail: "Показание T2 меньше предыдущего", errors: [{ field: "values.T2", message: "Показание T2 меньше предыдущего" }] },
      null,
    );
    const implausible = problemToError(
      422,
      { code: "reading_implausible", detail: "Расход по T1 больше возможного за месяц (10 000 кВт·ч). Проверьте показание", errors: [{ field: "values.T1", message: "Расход по T1 больше возможного за месяц (10 000 кВт·ч). Проверьте показание" }] },
      null,
    );
    for (const error of [notAccepted, decreased, implausible]) {
      expect(publicReadingErrors(error, meter.zones)).toEqual({ zones: {}, form: NOT_ACCEPTED });
    }
    expect(NOT_ACCEPTED).not.toMatch(/T\d|меньше|больше/);
  });

  it("keep a zone the meter cannot show next to that zone", () => {
    const error = problemToError(422, { code: "reading_out_of_range", detail: "Показание T2 не может быть отрицательным", errors: [{ field: "values.T2", message: "Показание T2 не может быть отрицательным" }] }, null);
    expect(publicReadingErrors(error, meter.zones)).toEqual({ zones: { T2: "Показание T2 не может быть отрицательным" }, form: null });
  });
});
