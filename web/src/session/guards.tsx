/** Private routes send a signed-out visitor to sign-in, the page remembered in the address
 * (`/?next=/payments`, returnTo.ts) and opened after it; staff routes need a staff role, and
 * subscriber routes are not for staff (the API refuses them `staff_not_allowed`). */

import { Navigate, Outlet, useLocation } from "react-router";

import { Loading, Page } from "../components/ui";
import { signInPath } from "./returnTo";
import { homeOf, isStaff } from "./roles";
import { useSession } from "./session";

export function RequireAuth() {
  const session = useSession();
  const location = useLocation();
  if (session.status === "loading") return <Loading label="Проверяем вход…" />;
  if (session.status === "anonymous") {
    return <Navigate to={signInPath(location.pathname + location.search)} replace />;
  }
  return <Outlet />;
}

export function RequireOperator() {
  const session = useSession();
  if (!isStaff(session.profile)) {
    return (
      <Page title="Недостаточно прав">
        <p>Этот раздел доступен только операторам ГУП РК «Крымэнерго».</p>
      </Page>
    );
  }
  return <Outlet />;
}

export function RequireSubscriber() {
  const session = useSession();
  if (isStaff(session.profile)) return <Navigate to={homeOf(session.profile)} replace />;
  return <Outlet />;
}
