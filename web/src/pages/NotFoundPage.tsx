import { Link } from "react-router";

import { Page } from "../components/ui";
import { useSession } from "../session/session";

export function NotFoundPage() {
  const { status } = useSession();
  return (
    <Page title="Страница не найдена" className="page-narrow">
      <div className="card">
        <p>Такой страницы нет. Возможно, ссылка устарела или в адресе опечатка.</p>
        <Link to={status === "signed-in" ? "/accounts" : "/"} className="button button-primary">
          {status === "signed-in" ? "К моим счетам" : "На страницу авторизации"}
        </Link>
      </div>
    </Page>
  );
}
