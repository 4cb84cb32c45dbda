/**
 * A second look before the staff approve or reject something (a link request, a refund): the
 * card's two buttons and the dialog that asks first. A rejection needs its reason.
 */

import { useState, type FormEvent, type ReactNode } from "react";

import { useSubmit } from "../lib/hooks";
import { Modal } from "./Modal";
import { LiveMessage, SubmitButton, TextArea } from "./ui";

export type Decision = "approve" | "reject";

/** «Одобрить»/«Подтвердить» and «Отклонить» on a card; each opens the dialog. */
export function DecisionButtons({ approveLabel, onChoose }: { approveLabel: string; onChoose: (action: Decision) => void }) {
  return (
    <div className="card-actions">
      <button type="button" className="button button-primary" onClick={() => onChoose("approve")}>
        {approveLabel}
      </button>
      <button type="button" className="button button-ghost" onClick={() => onChoose("reject")}>
        Отклонить
      </button>
    </div>
  );
}

/**
 * `send` gets the reason (trimmed; empty on approval); the API's field error on `comment`
 * shows at the field. `refusal` words a refusal when the API's own detail is not what the
 * staff member should read.
 */
export function DecisionDialog<T>({
  action,
  title,
  children,
  commentLabel,
  confirmLabel,
  send,
  refusal,
  onClose,
  onDone,
}: {
  action: Decision;
  title: string;
  /** What will happen, said before it does. */
  children: ReactNode;
  commentLabel: string;
  confirmLabel: string;
  send: (comment: string) => Promise<T>;
  refusal?: (caught: unknown) => string;
  onClose: () => void;
  onDone: (value: T) => Promise<void>;
}) {
  const [comment, setComment] = useState("");
  const submission = useSubmit(["comment"]);

  async function decide(event: FormEvent) {
    event.preventDefault();
    const reason = comment.trim();
    if (action === "reject" && !reason) {
      submission.fail(null, { comment: "Укажите причину отказа" });
      return;
    }
    const outcome = await submission.run(() =>
      send(reason).then(
        (value) => ({ value }),
        (caught: unknown) => {
          if (!refusal) throw caught;
          return { refused: refusal(caught) };
        },
      ),
    );
    if (outcome === undefined) return;
    if ("refused" in outcome) {
      submission.fail(outcome.refused);
      return;
    }
    await onDone(outcome.value);
  }

  return (
    <Modal title={title} onClose={onClose}>
      <form className="form" onSubmit={decide} noValidate>
        {children}
        <LiveMessage error={submission.error} />
        {action === "reject" ? (
          <TextArea label={commentLabel} value={comment} onChange={setComment} rows={3} maxLength={1000} error={submission.fields.comment} data-autofocus="" />
        ) : null}
        <div className="form-actions">
          <SubmitButton busy={submission.busy} className={action === "reject" ? "button-danger" : undefined}>
            {confirmLabel}
          </SubmitButton>
          <button type="button" className="button button-ghost" onClick={onClose}>
            Отмена
          </button>
        </div>
      </form>
    </Modal>
  );
}
