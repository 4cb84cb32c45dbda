/** The staff's payments section: its addresses and the tabs under the menu's «Платежи». */

import { NavLink } from "react-router";

import { isSupervisor } from "../session/roles";
import { useSession } from "../session/session";

export const PAYMENTS_PATH = "/operator/payments";
export const REFUNDS_PATH = "/operator/payments/refunds";
export const RECONCILIATION_PATH = "/operator/payments/reconciliation";

/** The section's own pages under the menu's «Платежи»: the lookup, supervisors' queue, the reconciliation. */
export function FinanceTabs() {
  const session = useSession();
  const tabs = [
    { to: PAYMENTS_PATH, label: "Поиск платежей" },
    ...(isSupervisor(session.profile) ? [{ to: REFUNDS_PATH, label: "Возвраты на подтверждение" }] : []),
    { to: RECONCILIATION_PATH, label: "Сверка с банком" },
  ];
  return (
    <nav className="tabs" aria-label="Разделы платежей">
      <ul className="tabs-list">
        {tabs.map((tab) => (
          <li key={tab.to}>
            <NavLink to={tab.to} end className={({ isActive }) => `tab${isActive ? " tab-active" : ""}`}>
              {tab.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
