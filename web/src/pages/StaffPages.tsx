/** «Сотрудники» (`/operator/staff`, supervisors only; docs/contract.md §4 "Staff management"): the
 * staff with their role, whether they are active, whether their second factor is connected and
 * their last sign-in; an invitation by e-mail; and, each after a confirmation dialog, disabling
 * (every session of theirs ends at once), enabling, and resetting the second factor (a letter lets
 * them set a new password and connect the app again). Never on oneself: the API refuses it, and
 * one's own row offers nothing. */

import { useState, type FormEvent } from "react";
import { useLocation } from "react-router";

import { api } from "../api/client";
import type { StaffInvitation, StaffMember, StaffRole } from "../api/types";
import { Modal } from "../components/Modal";
import { Alert, LiveMessage, Loading, Page, SelectField, SubmitButton, TextField } from "../components/ui";
import { formatDateTime } from "../lib/format";
import { useLoad, useSubmit } from "../lib/hooks";
import { ROLE_NAMES, isSupervisor } from "../session/roles";
import { useSession } from "../session/session";

const TITLE = "Сотрудники";
const ROLES: { value: StaffRole; label: string }[] = [
  { value: "operator", label: ROLE_NAMES.operator },
  { value: "supervisor", label: ROLE_NAMES.supervisor },
];

type Action = "disable" | "enable" | "reset-mfa";

/** What each action asks before it is done, and what is said after. */
export const ACTIONS: Record<Action, { button: string; title: string; confirm: string; ask: (email: string) => string; done: (email: string) => string }> = {
  disable: {
    button: "Отключить",
    title: "Отключить сотрудника?",
    confirm: "Отключить",
    ask: (email) => `${email} не сможет войти в личный кабинет, все открытые сеансы сотрудника будут сразу завершены. Включить его можно будет снова.`,
    done: (email) => `Сотрудник ${email} отключен`,
  },
  enable: {
    button: "Включить",
    title: "Включить сотрудника?",
    confirm: "Включить",
    ask: (email) => `${email} снова сможет входить в личный кабинет со своим паролем и кодом из приложения.`,
    done: (email) => `Сотрудник ${email} снова может входить`,
  },
  "reset-mfa": {
    button: "Сбросить второй фактор",
    title: "Сбросить второй фактор?",
    confirm: "Сбросить",
    ask: (email) =>
      `Приложение-аутентификатор и резервные коды ${email} перестанут действовать, все сеансы сотрудника будут завершены. На адрес придет письмо со ссылкой: по ней сотрудник задаст новый пароль и подключит приложение заново.`,
    done: (email) => `Второй фактор ${email} сброшен, письмо для подключения заново отправлено`,
  },
};

export function StaffPage() {
  const session = useSession();
  if (!isSupervisor(session.profile)) {
    return (
      <Page title={TITLE}>
        <p>Управление сотрудниками доступно только старшим операторам.</p>
      </Page>
    );
  }
  return <StaffManagement me={session.profile?.user_id ?? ""} />;
}

function StaffManagement({ me }: { me: string }) {
  const { key } = useLocation();
  const [version, setVersion] = useState(0);
  const staff = useLoad(() => api.get<StaffMember[]>("/staff?limit=200"), [key, version]);
  const [asked, setAsked] = useState<{ member: StaffMember; action: Action } | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const list = staff.data ?? [];

  async function finished(message: string) {
    setAsked(null);
    setDone(message);
    setVersion((v) => v + 1);
  }

  return (
    <Page title={TITLE} lead="Пригласите нового сотрудника по электронной почте или измените доступ сотрудника.">
      <Invite onInvited={() => setVersion((v) => v + 1)} />
      <section aria-labelledby="staff-list">
        <h2 id="staff-list" className="section-title">
          Список сотрудников
        </h2>
        <LiveMessage success={done} />
        {staff.loading && !staff.data ? <Loading /> : null}
        {staff.error ? <Alert kind="error">{staff.error}</Alert> : null}
        {!staff.loading && !staff.error && list.length === 0 ? <p className="card empty">Сотрудников нет.</p> : null}
        <ul className="request-list staff-list">
          {list.map((member) => (
            <li key={member.user_id} className="card">
              <p className="request-number">{member.email}</p>
              <p className="small">
                {ROLE_NAMES[member.role] ?? member.role} ·{" "}
                <span className={`badge ${member.status === "active" ? "badge-approved" : "badge-rejected"}`}>
                  {member.status === "active" ? "Активен" : "Отключен"}
                </span>
              </p>
              <p className="small muted">
                Второй фактор: {member.mfa_enrolled ? "подключен" : "не подключен"} · Последний вход:{" "}
                {member.last_sign_in_at ? formatDateTime(member.last_sign_in_at) : "не входил"}
              </p>
              {member.user_id === me ? (
                <p className="small muted">Это вы</p>
              ) : (
                <div className="card-actions">
                  {member.status === "active" ? (
                    <button type="button" className="button button-secondary" onClick={() => setAsked({ member, action: "disable" })}>
                      {ACTIONS.disable.button}
                    </button>
                  ) : (
                    <button type="button" className="button button-secondary" onClick={() => setAsked({ member, action: "enable" })}>
                      {ACTIONS.enable.button}
                    </button>
                  )}
                  <button type="button" className="button button-ghost" onClick={() => setAsked({ member, action: "reset-mfa" })}>
                    {ACTIONS["reset-mfa"].button}
                  </button>
                </div>
              )}
            </li>
          ))}
        </ul>
      </section>
      {asked ? <Confirm member={asked.member} action={asked.action} onClose={() => setAsked(null)} onDone={finished} /> : null}
    </Page>
  );
}

function Invite({ onInvited }: { onInvited: () => void }) {
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<StaffRole>("operator");
  const submission = useSubmit(["email", "role"]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    if (!email.trim()) {
      submission.fail("Укажите адрес электронной почты сотрудника", { email: "Укажите адрес электронной почты" });
      return;
    }
    const sent = await submission.run(
      () => api.post<StaffInvitation>("/staff/invitations", { email: email.trim(), role }),
      (answer) => answer.message,
    );
    if (sent) {
      setEmail("");
      onInvited();
    }
  }

  return (
    <section className="card" aria-labelledby="invite-heading">
      <h2 id="invite-heading" className="card-title">
        Пригласить сотрудника
      </h2>
      <p className="small muted">
        На адрес придет письмо со ссылкой: сотрудник задаст пароль и подключит приложение-аутентификатор. Ссылка одноразовая, срок ее действия указан в письме.
      </p>
      <LiveMessage error={submission.error} success={submission.success} />
      <form className="form" onSubmit={submit} noValidate>
        <TextField
          label="Адрес электронной почты"
          type="email"
          inputMode="email"
          autoComplete="off"
          value={email}
          onChange={setEmail}
          error={submission.fields.email}
          required
        />
        <SelectField label="Роль" value={role} onChange={(value) => setRole(value as StaffRole)} options={ROLES} error={submission.fields.role} />
        <div className="form-actions">
          <SubmitButton busy={submission.busy} busyText="Отправка…">
            Пригласить
          </SubmitButton>
        </div>
      </form>
    </section>
  );
}

function Confirm({
  member,
  action,
  onClose,
  onDone,
}: {
  member: StaffMember;
  action: Action;
  onClose: () => void;
  onDone: (message: string) => Promise<void>;
}) {
  const words = ACTIONS[action];
  const submission = useSubmit();

  async function confirm(event: FormEvent) {
    event.preventDefault();
    const answer = await submission.run(() => api.post<StaffMember>(`/staff/${member.user_id}/${action}`));
    if (answer !== undefined) await onDone(words.done(member.email));
  }

  return (
    <Modal title={words.title} onClose={onClose}>
      <form className="form" onSubmit={confirm} noValidate>
        <p>{words.ask(member.email)}</p>
        <LiveMessage error={submission.error} />
        <div className="form-actions">
          <SubmitButton busy={submission.busy} className={action === "enable" ? undefined : "button-danger"}>
            {words.confirm}
          </SubmitButton>
          <button type="button" className="button button-ghost" onClick={onClose}>
            Отмена
          </button>
        </div>
      </form>
    </Modal>
  );
}
