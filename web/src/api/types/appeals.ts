/** Appeals and feedback (services/notifications). */

export interface Feedback {
  id: string;
  topic: string;
  message: string;
  email: string | null;
  name: string | null;
  user_id: string | null;
  created_at: string;
}

/** Appeals (обращения, services/notifications): the statuses registered → in_work → answered → closed;
 * a reply of the author reopens an answered appeal (back to in_work). */
export type AppealStatus = "registered" | "in_work" | "answered" | "closed";

export interface AppealTopic {
  code: string;
  title: string;
}

/** `POST /appeals`: «Обращение № 2026-000123 зарегистрировано. Ответ будет дан не позднее 20.01.2027». */
export interface AppealRegistered {
  id: string;
  number: string;
  status: AppealStatus;
  message: string;
}

export interface AppealAttachment {
  id: string;
  name: string;
  size: number;
  content_type: string;
}

export interface AppealMessage {
  id: string;
  author: "subscriber" | "staff";
  text: string;
  attachments: AppealAttachment[];
  at: string;
}

export interface Appeal {
  id: string;
  number: string;
  topic: string;
  topic_title: string;
  account_id: string | null;
  status: AppealStatus;
  registered_at: string;
  /** A calendar date, "2027-01-20". */
  due_date: string;
  overdue: boolean;
  updated_at: string;
}

export interface AppealDetail extends Appeal {
  messages: AppealMessage[];
}

/** A row of the appeals desk (`GET /operator/appeals`). */
export interface StaffAppeal extends Appeal {
  user_id: string;
  assignee_id: string | null;
}
