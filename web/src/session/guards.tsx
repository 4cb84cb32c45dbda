/** Private routes send a signed-out visitor to sign-in (and back after it); operator routes need the role. */

import { Navigate, Outlet, useLocation } from "react-router";

import { Loading, Page } from "../components/ui";
import { useSession } from "./session";

export function RequireAuth() {
  const session = useSession();
  const location = useLocation();
  if (session.status === "loading") return <Loading label="Проверяем вход…" />;
  if (session.status === "anonymous") {
    return <Navigate to="/" replace state={{ from: location.pathname + location.search }} />;
  }
  return <Outlet />;
}

export function RequireOperator() {
  const session = useSession();
  if (session.profile?.role !== "operator") {
    return (
      <Page title="Недостаточно прав">
        <p>Этот раздел доступен только операторам ГУП РК «Крымэнерго».</p>
      </Page>
    );
  }
  return <Outlet />;
}
