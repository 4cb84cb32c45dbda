/** The frame of every screen: skip link, header with the menu and the exit icon, footer. */

import { useEffect, useState } from "react";
import { Link, NavLink, Outlet, useLocation, useNavigate } from "react-router";

import { homeOf, isStaff, isSupervisor } from "../session/roles";
import { useSession } from "../session/session";
import { ExitIcon, Logo, MenuIcon } from "./icons";

interface Item {
  to: string;
  label: string;
}

const SUBSCRIBER: Item[] = [
  { to: "/accounts", label: "Мои счета" },
  { to: "/payments", label: "Платежи" },
  { to: "/readings", label: "Показания" },
  { to: "/bills", label: "Квитанции" },
  { to: "/appeals", label: "Обращения" },
  { to: "/profile", label: "Профиль" },
  { to: "/feedback", label: "Обратная связь" },
];

// Staff are not subscribers: their menu is their work and their own profile.
const STAFF: Item[] = [
  { to: "/operator/link-requests", label: "Заявки" },
  { to: "/operator/appeals", label: "Обращения" },
  { to: "/operator/feedback", label: "Обратная связь" },
  { to: "/operator/billing-accounts", label: "Реестр счетов" },
  { to: "/operator/payments", label: "Платежи" },
  { to: "/profile", label: "Профиль" },
];

// What a supervisor has besides (the audit and the scheduled jobs, «Плановые задания», of every service):
// operators never see it.
const SUPERVISOR: Item[] = [
  { to: "/operator/audit", label: "Журнал действий" },
  { to: "/operator/jobs", label: "Задания" },
  { to: "/operator/staff", label: "Сотрудники" },
];

const VISITOR: Item[] = [
  { to: "/", label: "Вход" },
  { to: "/register", label: "Регистрация" },
  { to: "/readings/public", label: "Показания без регистрации" },
  { to: "/feedback", label: "Обратная связь" },
];

export function Layout() {
  const session = useSession();
  const navigate = useNavigate();
  const location = useLocation();
  const [open, setOpen] = useState(false);
  const [leaving, setLeaving] = useState(false);

  useEffect(() => setOpen(false), [location.pathname]);

  const signedIn = session.status === "signed-in";
  const staffItems = isSupervisor(session.profile) ? [...STAFF.slice(0, -1), ...SUPERVISOR, ...STAFF.slice(-1)] : STAFF;
  const items = signedIn ? (isStaff(session.profile) ? staffItems : SUBSCRIBER) : VISITOR;
  // More than five links do not share a 1160 px row with the brand: a row of their own.
  const crowded = items.length > 5;

  async function exit() {
    setLeaving(true);
    try {
      await session.signOut();
    } finally {
      setLeaving(false);
      navigate("/", { replace: true });
    }
  }

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Перейти к основному содержанию
      </a>
      <header className="header">
        <div className={`header-inner${crowded ? " header-crowded" : ""}`}>
          <Link to={signedIn ? homeOf(session.profile) : "/"} className="brand">
            <Logo />
            <span className="brand-text">
              <span className="brand-name">Крымэнерго</span>
              <span className="brand-sub">Личный кабинет абонента</span>
            </span>
          </Link>
          {session.status !== "loading" ? (
            <>
              <button
                type="button"
                className="menu-toggle"
                aria-expanded={open}
                aria-controls="main-menu"
                onClick={() => setOpen((v) => !v)}
              >
                <MenuIcon open={open} />
                <span>Меню</span>
              </button>
              <nav id="main-menu" className={`nav${open ? " nav-open" : ""}`} aria-label="Основное меню">
                <ul className="nav-list">
                  {items.map((item) => (
                    <li key={item.to}>
                      <NavLink to={item.to} end={item.to === "/"} className={({ isActive }) => `nav-link${isActive ? " nav-link-active" : ""}`}>
                        {item.label}
                      </NavLink>
                    </li>
                  ))}
                </ul>
                {signedIn ? (
                  <div className="nav-user">
                    <span className="nav-email" title={session.profile?.email}>
                      {session.profile?.email}
                    </span>
                    <button type="button" className="exit-button" onClick={exit} disabled={leaving} title="Выход" aria-label="Выход">
                      <ExitIcon />
                      <span className="exit-text" aria-hidden="true">
                        Выход
                      </span>
                    </button>
                  </div>
                ) : null}
              </nav>
            </>
          ) : null}
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
      <footer className="footer">
        <div className="footer-inner">
          <p>© ГУП РК «Крымэнерго». Личный кабинет абонента</p>
          <p>
            <Link to="/feedback">Обратная связь</Link>
          </p>
        </div>
      </footer>
    </div>
  );
}
