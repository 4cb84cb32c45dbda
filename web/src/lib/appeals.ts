/** Appeals (обращения) in words and checks: the statuses in Russian, the files an appeal may carry
 * (the notifications service's own limits, services/notifications domain/attachments.py: at most
 * three, 5 MiB each, JPEG, PNG or PDF judged by their first bytes), the counter of the text, the
 * desk's filters as a query. Pure, apart from `checkFile` reading a file's first bytes. */

import type { AppealStatus } from "../api/types";
import { plural } from "./format";

export const APPEAL_STATUS: Record<AppealStatus, string> = {
  registered: "Зарегистрировано",
  in_work: "В работе",
  answered: "Дан ответ",
  closed: "Закрыто",
};

/** The badge's colour class of a status (app.css). */
export const APPEAL_BADGE: Record<AppealStatus, string> = {
  registered: "badge",
  in_work: "badge badge-sent",
  answered: "badge badge-approved",
  closed: "badge badge-refunded",
};

export function appealStatus(status: string): string {
  return APPEAL_STATUS[status as AppealStatus] ?? status;
}

export const APPEAL_TEXT_MAX = 5000;
export const MAX_ATTACHMENTS = 3;
export const MAX_ATTACHMENT_BYTES = 5 * 1024 * 1024;
/** What the file dialog offers; the content is what is judged. */
export const ATTACHMENT_ACCEPT = "image/jpeg,image/png,application/pdf,.jpg,.jpeg,.png,.pdf";
export const ATTACHMENT_HINT = "До трех файлов: фото или сканы JPEG, PNG или документы PDF, не более 5 МБ каждый.";

// The service's sentences (domain/messages.py), said before the form is sent.
export const UNSUPPORTED_ATTACHMENT = "Можно приложить только изображения JPEG и PNG или документы PDF";
export const ATTACHMENT_TOO_LARGE = "Размер каждого файла не должен превышать 5 МБ";
export const TOO_MANY_ATTACHMENTS = "Можно приложить не больше трех файлов";

export type AttachmentType = "image/jpeg" | "image/png" | "application/pdf";

const SIGNATURES: [number[], AttachmentType][] = [
  [[0xff, 0xd8, 0xff], "image/jpeg"],
  [[0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], "image/png"],
  [[0x25, 0x50, 0x44, 0x46, 0x2d], "application/pdf"], // %PDF-
];
/** How many first bytes `typeOf` needs. */
export const HEAD_BYTES = 8;

/** The type the first bytes say (as the service judges it), or null: an executable named .jpg is null. */
export function typeOf(head: Uint8Array): AttachmentType | null {
  for (const [signature, type] of SIGNATURES) {
    if (head.length >= signature.length && signature.every((byte, i) => head[i] === byte)) return type;
  }
  return null;
}

/** What is wrong with one file (its size and first bytes), or null when the service will take it. */
export function judgeFile(size: number, head: Uint8Array): string | null {
  if (size > MAX_ATTACHMENT_BYTES) return ATTACHMENT_TOO_LARGE;
  if (typeOf(head) === null) return UNSUPPORTED_ATTACHMENT;
  return null;
}

/** `judgeFile` of a file the person chose (its first bytes read, never the whole file). */
export async function checkFile(file: Blob): Promise<string | null> {
  if (file.size > MAX_ATTACHMENT_BYTES) return ATTACHMENT_TOO_LARGE;
  const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  return judgeFile(file.size, head);
}

export interface FilePick<T> {
  /** The files kept: those already chosen, then the good new ones while there is room. */
  kept: T[];
  /** One sentence per refused file: «фото.heic: Можно приложить только…». */
  errors: string[];
}

/** Adds `chosen` (each with its verdict, `checkFile`'s) to `current`, at most three in all. */
export function pickFiles<T extends { name: string }>(current: T[], chosen: { file: T; problem: string | null }[]): FilePick<T> {
  const kept = [...current];
  const errors: string[] = [];
  let overflow = false;
  for (const { file, problem } of chosen) {
    if (problem) {
      errors.push(`${file.name}: ${problem}`);
    } else if (kept.length >= MAX_ATTACHMENTS) {
      overflow = true;
    } else {
      kept.push(file);
    }
  }
  if (overflow) errors.push(TOO_MANY_ATTACHMENTS);
  return { kept, errors };
}

/** 812 -> «812 байт», 53_248 -> «52 КБ», 1_258_291 -> «1,2 МБ». */
export function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} ${plural(bytes, "байт", "байта", "байт")}`;
  if (bytes < 1024 * 1024) return `${Math.round(bytes / 1024)} КБ`;
  const mb = Math.round((bytes / (1024 * 1024)) * 10) / 10;
  return `${String(mb).replace(".", ",")} МБ`;
}

/** The text's counter under its field: «120 из 5000 символов». */
export function textCounter(length: number): string {
  return `${length} из ${APPEAL_TEXT_MAX} символов`;
}

/** What is wrong with an appeal's or a message's text, or null. */
export function textProblem(text: string): string | null {
  if (!text.trim()) return "Напишите текст сообщения";
  if (text.length > APPEAL_TEXT_MAX) return `Не более ${APPEAL_TEXT_MAX} символов`;
  return null;
}

/** Said above the reply form of an answered appeal: a reply reopens it. */
export const REOPEN_NOTE =
  "На обращение дан ответ. Если Вы ответите, обращение снова будет передано в работу, а срок ответа останется прежним.";

/** The desk's filters (`GET /operator/appeals`): a status, «мои» (the caller as assignee), overdue only. */
export interface DeskFilter {
  status: AppealStatus | "";
  mine: boolean;
  overdue: boolean;
}

export function deskQuery(filter: DeskFilter, me: string | undefined): string {
  const params = new URLSearchParams();
  if (filter.status) params.set("status", filter.status);
  if (filter.mine && me) params.set("assignee", me);
  if (filter.overdue) params.set("overdue", "true");
  const query = params.toString();
  return query ? `?${query}` : "";
}

/** Who works on an appeal, as staff read it on the desk. */
export function assigneeName(assignee: string | null, me: string | undefined): string {
  if (!assignee) return "Не назначено";
  return assignee === me ? "Вы" : "Другой сотрудник";
}
