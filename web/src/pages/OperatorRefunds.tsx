/**
 * «Возвраты на подтверждение» (docs/contract.md §4 "Refunds"): the supervisors' queue of refunds
 * above the threshold. A refund goes to the bank only once a second person, not the one who
 * asked for it, approves it.
 */

import { useState } from "react";
import { Link, useLocation } from "react-router";

import { api } from "../api/client";
import type { Refund } from "../api/finance";
import { DecisionButtons, DecisionDialog, type Decision } from "../components/Decision";
import { ListStatus } from "../components/Listing";
import { LiveMessage, Page } from "../components/ui";
import { REFUND_STATUS, decisionError } from "../lib/finance";
import { formatDateTime } from "../lib/format";
import { useLoad } from "../lib/hooks";
import { formatMoney } from "../lib/money";
import { isSupervisor } from "../session/roles";
import { useSession } from "../session/session";
import { FinanceTabs, PAYMENTS_PATH } from "./FinanceTabs";

export function OperatorRefundsPage() {
  const session = useSession();
  if (!isSupervisor(session.profile)) {
    return (
      <Page title="Возвраты на подтверждение">
        <FinanceTabs />
        <p>Подтверждать возвраты могут только старшие операторы.</p>
      </Page>
    );
  }
  return <RefundQueue me={session.profile?.user_id ?? ""} />;
}

function RefundQueue({ me }: { me: string }) {
  const { key } = useLocation();
  const queue = useLoad(() => api.get<Refund[]>("/operator/refunds?status=awaiting_approval&limit=200"), [key]);
  const [notice, setNotice] = useState<string | null>(null);
  const [deciding, setDeciding] = useState<{ refund: Refund; action: Decision } | null>(null);
  const list = queue.data ?? [];

  return (
    <Page title="Возвраты на подтверждение" lead="Возвраты выше порога уходят в банк только после подтверждения второго сотрудника — не того, кто запросил возврат.">
      <FinanceTabs />
      <LiveMessage success={notice} />
      <ListStatus loaded={queue} count={list.length} empty="Возвратов, ожидающих подтверждения, нет." />
      <ul className="request-list">
        {list.map((refund) => (
          <li key={refund.id} className="card request">
            <div className="request-main">
              <div>
                <p className="request-number">Возврат {formatMoney(refund.amount)}</p>
                <p className="small muted">
                  Запрошен {formatDateTime(refund.created_at)} · {refund.requested_by === me ? "запросили Вы" : `сотрудник ${refund.requested_by}`}
                </p>
              </div>
              <span className="badge">{REFUND_STATUS[refund.status]}</span>
            </div>
            <p className="request-comment">Причина: {refund.reason}</p>
            <p>
              <Link to={`${PAYMENTS_PATH}/${refund.payment_id}`}>История платежа</Link>
            </p>
            <DecisionButtons
              approveLabel="Подтвердить"
              onChoose={(action) => {
                setNotice(null);
                setDeciding({ refund, action });
              }}
            />
          </li>
        ))}
      </ul>
      {deciding ? (
        <RefundDecision
          refund={deciding.refund}
          action={deciding.action}
          onClose={() => setDeciding(null)}
          onDone={async (message) => {
            setDeciding(null);
            setNotice(message);
            await queue.reload();
          }}
        />
      ) : null}
    </Page>
  );
}

function RefundDecision({
  refund,
  action,
  onClose,
  onDone,
}: {
  refund: Refund;
  action: Decision;
  onClose: () => void;
  onDone: (message: string) => Promise<void>;
}) {
  const amount = formatMoney(refund.amount);
  return (
    <DecisionDialog
      action={action}
      title={action === "approve" ? "Подтвердить возврат?" : "Отклонить возврат?"}
      commentLabel="Комментарий"
      confirmLabel={action === "approve" ? "Подтвердить" : "Отклонить возврат"}
      send={(comment) =>
        action === "approve"
          ? api.post<Refund>(`/operator/refunds/${refund.id}/approve`)
          : api.post<Refund>(`/operator/refunds/${refund.id}/reject`, { comment })
      }
      refusal={(caught) => decisionError(caught, "Не удалось сохранить решение, попробуйте позже")}
      onClose={onClose}
      onDone={(done) => onDone(action === "approve" ? approvedText(done) : `Возврат ${amount} отклонен`)}
    >
      <p>
        {action === "approve"
          ? `Возврат ${amount} будет передан в банк, и деньги вернутся на карту плательщика.`
          : `Возврат ${amount} не будет выполнен. Сумма снова станет доступна для возврата.`}
      </p>
      <p className="small">Причина возврата: {refund.reason}</p>
    </DecisionDialog>
  );
}

function approvedText(refund: Refund): string {
  const amount = formatMoney(refund.amount);
  if (refund.status === "succeeded") return `Возврат ${amount} подтвержден и выполнен`;
  if (refund.status === "failed") return `Возврат ${amount} подтвержден, но банк отказал${refund.failure_reason ? `: ${refund.failure_reason}` : ""}`;
  return `Возврат ${amount} подтвержден и передан в банк`;
}
