/** «Обратная связь»: topic and message; e-mail and name when not signed in. */

import { useState, type FormEvent } from "react";
import { Link } from "react-router";

import { api } from "../api/client";
import type { MessageOut } from "../api/types";
import { LiveMessage, Page, SelectField, SubmitButton, TextArea, TextField } from "../components/ui";
import { useSubmit } from "../lib/hooks";
import { isStaff } from "../session/roles";
import { useSession } from "../session/session";

const TOPICS = ["Лицевые счета", "Оплата", "Показания приборов учета", "Регистрация и вход", "Работа личного кабинета", "Предложение", "Другое"];
const MAX_MESSAGE = 5000;

export function FeedbackPage() {
  const session = useSession();
  const anonymous = session.status !== "signed-in";
  const [topic, setTopic] = useState("");
  const [message, setMessage] = useState("");
  const [email, setEmail] = useState("");
  const [name, setName] = useState("");
  const submission = useSubmit(["topic", "message", "email", "name"]);

  async function submit(event: FormEvent) {
    event.preventDefault();
    const errors: Record<string, string> = {};
    if (!topic) errors.topic = "Выберите тему обращения";
    if (!message.trim()) errors.message = "Напишите сообщение";
    if (message.length > MAX_MESSAGE) errors.message = `Не более ${MAX_MESSAGE} символов`;
    if (anonymous && !email.trim()) errors.email = "Укажите адрес электронной почты для ответа";
    if (Object.keys(errors).length > 0) {
      submission.fail("Проверьте правильность заполнения полей", errors);
      return;
    }
    const body: Record<string, string> = { topic, message: message.trim() };
    if (anonymous) {
      body.email = email.trim();
      if (name.trim()) body.name = name.trim();
    }
    const done = await submission.run(() => api.post<MessageOut>("/feedback", body), (answer) => answer.message);
    if (done) {
      setMessage("");
      setTopic("");
    }
  }

  return (
    <Page
      title="Обратная связь"
      className="page-narrow"
      lead="ГУП РК «Крымэнерго» принимает отзывы и предложения по работе «Личного кабинета абонента». Заполните форму — мы ответим на указанный адрес."
    >
      {!anonymous && !isStaff(session.profile) ? (
        <p className="note">
          Вопрос по лицевому счету, оплате или показаниям? <Link to="/appeals/new">Подайте обращение</Link>: его зарегистрируют, ответ придет в
          личный кабинет в установленный срок.
        </p>
      ) : null}
      <LiveMessage error={submission.error} success={submission.success} />
      <form className="card form" onSubmit={submit} noValidate>
        <SelectField
          label="Тема"
          value={topic}
          onChange={setTopic}
          placeholder="Выберите тему"
          options={TOPICS.map((t) => ({ value: t, label: t }))}
          error={submission.fields.topic}
          required
        />
        <TextArea
          label="Сообщение"
          value={message}
          onChange={setMessage}
          rows={6}
          maxLength={MAX_MESSAGE}
          hint={`${message.length} из ${MAX_MESSAGE} символов`}
          error={submission.fields.message}
          required
        />
        {anonymous ? (
          <div className="form-row">
            <TextField
              label="Адрес электронной почты"
              type="email"
              inputMode="email"
              autoComplete="email"
              value={email}
              onChange={setEmail}
              error={submission.fields.email}
              required
            />
            <TextField label="Имя (необязательно)" autoComplete="name" value={name} onChange={setName} error={submission.fields.name} />
          </div>
        ) : (
          <p className="muted small">Ответ придет на адрес {session.profile?.email}.</p>
        )}
        <SubmitButton busy={submission.busy}>Отправить</SubmitButton>
      </form>
    </Page>
  );
}
