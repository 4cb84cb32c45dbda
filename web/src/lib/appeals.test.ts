import { describe, expect, it } from "vitest";

import {
  APPEAL_STATUS,
  ATTACHMENT_TOO_LARGE,
  appealStatus,
  assigneeName,
  checkFile,
  deskQuery,
  formatSize,
  judgeFile,
  MAX_ATTACHMENT_BYTES,
  pickFiles,
  textCounter,
  textProblem,
  TOO_MANY_ATTACHMENTS,
  typeOf,
  UNSUPPORTED_ATTACHMENT,
} from "./appeals";

const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46]);
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const PDF = new TextEncoder().encode("%PDF-1.4\n");
const EXE = new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]);

describe("statuses", () => {
  it("are said in Russian", () => {
    expect(APPEAL_STATUS).toEqual({ registered: "Зарегистрировано", in_work: "В работе", answered: "Дан ответ", closed: "Закрыто" });
    expect(appealStatus("answered")).toBe("Дан ответ");
    expect(appealStatus("unknown")).toBe("unknown");
  });
});

describe("files", () => {
  it("are judged by their first bytes, as the service does", () => {
    expect(typeOf(JPEG)).toBe("image/jpeg");
    expect(typeOf(PNG)).toBe("image/png");
    expect(typeOf(PDF)).toBe("application/pdf");
    expect(typeOf(EXE)).toBeNull();
    expect(typeOf(new Uint8Array())).toBeNull();
    expect(typeOf(new Uint8Array([0xff, 0xd8]))).toBeNull();
  });

  it("may be 5 MiB at most, and JPEG, PNG or PDF only", () => {
    expect(judgeFile(1000, JPEG)).toBeNull();
    expect(judgeFile(MAX_ATTACHMENT_BYTES, PDF)).toBeNull();
    expect(judgeFile(MAX_ATTACHMENT_BYTES + 1, PDF)).toBe(ATTACHMENT_TOO_LARGE);
    expect(judgeFile(100, EXE)).toBe(UNSUPPORTED_ATTACHMENT);
  });

  it("are read for their first bytes only", async () => {
    expect(await checkFile(new Blob([PDF]))).toBeNull();
    expect(await checkFile(new Blob([EXE, new Uint8Array(100)]))).toBe(UNSUPPORTED_ATTACHMENT);
    expect(await checkFile(new Blob([JPEG, new Uint8Array(MAX_ATTACHMENT_BYTES)]))).toBe(ATTACHMENT_TOO_LARGE);
  });

  it("are three at most, each refusal said with the file's name", () => {
    const a = { name: "a.jpg" };
    const b = { name: "b.pdf" };
    const c = { name: "c.png" };
    const d = { name: "d.pdf" };
    const exe = { name: "photo.jpg" };
    expect(pickFiles([a], [{ file: b, problem: null }, { file: exe, problem: UNSUPPORTED_ATTACHMENT }])).toEqual({
      kept: [a, b],
      errors: [`photo.jpg: ${UNSUPPORTED_ATTACHMENT}`],
    });
    expect(pickFiles([a, b], [{ file: c, problem: null }, { file: d, problem: null }])).toEqual({ kept: [a, b, c], errors: [TOO_MANY_ATTACHMENTS] });
  });

  it("have their size in Russian", () => {
    expect(formatSize(812)).toBe("812 байт");
    expect(formatSize(1)).toBe("1 байт");
    expect(formatSize(53_248)).toBe("52 КБ");
    expect(formatSize(1_258_291)).toBe("1,2 МБ");
    expect(formatSize(5 * 1024 * 1024)).toBe("5 МБ");
  });
});

describe("the text", () => {
  it("is counted and checked", () => {
    expect(textCounter(120)).toBe("120 из 5000 символов");
    expect(textProblem("  ")).toBe("Напишите текст сообщения");
    expect(textProblem("x".repeat(5001))).toBe("Не более 5000 символов");
    expect(textProblem("Вопрос")).toBeNull();
  });
});

describe("the desk", () => {
  it("asks with the filters chosen", () => {
    expect(deskQuery({ status: "", mine: false, overdue: false }, "me")).toBe("");
    expect(deskQuery({ status: "in_work", mine: true, overdue: true }, "me-1")).toBe("?status=in_work&assignee=me-1&overdue=true");
    expect(deskQuery({ status: "", mine: true, overdue: false }, undefined)).toBe("");
  });

  it("names the assignee", () => {
    expect(assigneeName(null, "me")).toBe("Не назначено");
    expect(assigneeName("me", "me")).toBe("Вы");
    expect(assigneeName("other", "me")).toBe("Другой сотрудник");
  });
});
