/**
 * What the subscriber's and the staff's appeal pages share: the files field (checked in the
 * browser as the service checks them, `lib/appeals.ts`), a file as a download through the cookie
 * session, the conversation, the facts of an appeal, and the form of a message with files.
 */

import { useId, useRef, useState, type FormEvent, type ReactNode } from "react";

import { API_PREFIX, messageOf, requestFile } from "../api/client";
import type { Appeal, AppealAttachment, AppealMessage } from "../api/types";
import {
  APPEAL_BADGE,
  APPEAL_TEXT_MAX,
  appealStatus,
  ATTACHMENT_ACCEPT,
  ATTACHMENT_HINT,
  checkFile,
  formatSize,
  pickFiles,
  textCounter,
  textProblem,
} from "../lib/appeals";
import { dispositionFilename } from "../lib/bills";
import { formatDate, formatDateTime } from "../lib/format";
import { useSubmit } from "../lib/hooks";
import { save } from "./BillPdf";
import { LiveMessage, SubmitButton, TextArea } from "./ui";

/** Up to three files, each checked as it is chosen; the chosen ones listed with «Удалить». */
export function AttachmentsField({ files, onChange, error }: { files: File[]; onChange: (files: File[]) => void; error?: string }) {
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [problems, setProblems] = useState<string[]>([]);

  async function chosen(list: FileList | null) {
    const picked = [...(list ?? [])];
    if (input.current) input.current.value = ""; // the same file can be chosen again after «Удалить»
    const judged = await Promise.all(picked.map(async (file) => ({ file, problem: await checkFile(file) })));
    const { kept, errors } = pickFiles(files, judged);
    setProblems(errors);
    onChange(kept);
  }

  const shown = [...problems, ...(error ? [error] : [])];
  return (
    <div className={`field${shown.length > 0 ? " field-invalid" : ""}`}>
      <label htmlFor={id} className="field-label">
        Файлы (необязательно)
      </label>
      <p id={`${id}-hint`} className="field-hint">
        {ATTACHMENT_HINT}
      </p>
      <input
        ref={input}
        id={id}
        type="file"
        className="input file-input"
        multiple
        accept={ATTACHMENT_ACCEPT}
        onChange={(event) => void chosen(event.target.files)}
        aria-invalid={shown.length > 0 ? true : undefined}
        aria-describedby={`${id}-hint${shown.length > 0 ? ` ${id}-error` : ""}`}
      />
      {shown.length > 0 ? (
        <div id={`${id}-error`} className="field-error" role="alert">
          {shown.map((line) => (
            <p key={line}>{line}</p>
          ))}
        </div>
      ) : null}
      {files.length > 0 ? (
        <ul className="file-list" aria-label="Выбранные файлы">
          {files.map((file, index) => (
            <li key={`${file.name}-${index}`} className="file-item">
              <span className="file-name">{file.name}</span>
              <span className="small muted">{formatSize(file.size)}</span>
              <button
                type="button"
                className="button button-link"
                aria-label={`Удалить файл ${file.name}`}
                onClick={() => {
                  setProblems([]);
                  onChange(files.filter((_, i) => i !== index));
                }}
              >
                Удалить
              </button>
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

/** A file of an appeal: the link's address is the file's, the click fetches it with the session. */
export function AttachmentLink({ appealId, attachment }: { appealId: string; attachment: AppealAttachment }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const path = `/appeals/${appealId}/attachments/${attachment.id}`;

  async function download() {
    setBusy(true);
    setError(null);
    try {
      const { blob, disposition } = await requestFile(path, attachment.content_type);
      save(blob, dispositionFilename(disposition) ?? attachment.name);
    } catch (caught) {
      setError(messageOf(caught));
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="attachment">
      <a
        href={API_PREFIX + path}
        download={attachment.name}
        aria-busy={busy || undefined}
        onClick={(event) => {
          event.preventDefault();
          if (!busy) void download();
        }}
      >
        {attachment.name}
      </a>{" "}
      <span className="small muted">({formatSize(attachment.size)})</span>
      {error ? (
        <span role="alert" className="field-error">
          {" "}
          {error}
        </span>
      ) : null}
    </span>
  );
}

/** The messages, oldest first, each with its author, time, text and files. */
export function Conversation({ appealId, messages, authorName }: { appealId: string; messages: AppealMessage[]; authorName: (message: AppealMessage) => string }) {
  const titleId = useId();
  return (
    <section className="section" aria-labelledby={titleId}>
      <h2 id={titleId} className="section-title">
        Переписка
      </h2>
      <ol className="thread">
        {messages.map((message) => (
          <li key={message.id} className={`card thread-message thread-${message.author}`}>
            <article aria-label={`${authorName(message)}, ${formatDateTime(message.at)}`}>
              <p className="thread-head">
                <strong>{authorName(message)}</strong> <span className="small muted">{formatDateTime(message.at)}</span>
              </p>
              <p className="pre-wrap break">{message.text}</p>
              {message.attachments.length > 0 ? (
                <ul className="attachment-list" aria-label="Файлы">
                  {message.attachments.map((attachment) => (
                    <li key={attachment.id}>
                      <AttachmentLink appealId={appealId} attachment={attachment} />
                    </li>
                  ))}
                </ul>
              ) : null}
            </article>
          </li>
        ))}
      </ol>
    </section>
  );
}

export function StatusBadge({ status }: { status: string }) {
  return <span className={APPEAL_BADGE[status as keyof typeof APPEAL_BADGE] ?? "badge"}>{appealStatus(status)}</span>;
}

/** The due date, with «срок истек» when the supplier is late. */
export function DueDate({ appeal }: { appeal: Appeal }) {
  return (
    <>
      {formatDate(appeal.due_date)}
      {appeal.overdue ? <span className="overdue"> срок истек</span> : null}
    </>
  );
}

/** An appeal's facts: topic, status, registration, the due date, and `extra`. */
export function AppealFacts({ appeal, extra }: { appeal: Appeal; extra?: ReactNode }) {
  return (
    <dl className="facts facts-list appeal-facts">
      <div>
        <dt>Тема</dt>
        <dd>{appeal.topic_title}</dd>
      </div>
      <div>
        <dt>Статус</dt>
        <dd>
          <StatusBadge status={appeal.status} />
        </dd>
      </div>
      <div>
        <dt>Зарегистрировано</dt>
        <dd>{formatDateTime(appeal.registered_at)}</dd>
      </div>
      <div>
        <dt>Ответ не позднее</dt>
        <dd>
          <DueDate appeal={appeal} />
        </dd>
      </div>
      {extra}
    </dl>
  );
}

/** A message with files: the subscriber's reply, the staff's answer. */
export function MessageForm({
  label,
  submitText,
  send,
  onSent,
  note,
}: {
  label: string;
  submitText: string;
  send: (form: FormData) => Promise<unknown>;
  onSent: () => Promise<void> | void;
  note?: ReactNode;
}) {
  const [text, setText] = useState("");
  const [files, setFiles] = useState<File[]>([]);
  const [formKey, setFormKey] = useState(0);
  const submission = useSubmit(["text", "attachments"]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const problem = textProblem(text);
    if (problem) {
      submission.fail("Проверьте правильность заполнения полей", { text: problem });
      return;
    }
    const form = new FormData();
    form.append("text", text.trim());
    for (const file of files) form.append("attachments", file, file.name);
    const done = await submission.run(() => send(form));
    if (done === undefined) return;
    setText("");
    setFiles([]);
    setFormKey((k) => k + 1);
    await onSent();
  }

  return (
    <form className="card form" onSubmit={submit} noValidate>
      {note}
      <LiveMessage error={submission.error} />
      <TextArea
        label={label}
        value={text}
        onChange={setText}
        rows={5}
        maxLength={APPEAL_TEXT_MAX}
        hint={textCounter(text.length)}
        error={submission.fields.text}
        required
      />
      <AttachmentsField key={formKey} files={files} onChange={setFiles} error={submission.fields.attachments} />
      <div className="form-actions">
        <SubmitButton busy={submission.busy}>{submitText}</SubmitButton>
      </div>
    </form>
  );
}
