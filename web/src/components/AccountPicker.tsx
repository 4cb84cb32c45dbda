/** Choosing one of the subscriber's accounts; the choice lives in the address (`?account=`). */

import { useEffect } from "react";
import { Link, useSearchParams } from "react-router";

import { api } from "../api/client";
import type { Account } from "../api/types";
import { useLoad } from "../lib/hooks";
import { Alert, Loading, SelectField } from "./ui";

export function useAccountChoice() {
  const accounts = useLoad(() => api.get<Account[]>("/accounts"), []);
  const [params, setParams] = useSearchParams();
  const list = accounts.data ?? [];
  const wanted = params.get("account");
  const chosen = list.find((a) => a.id === wanted) ?? list[0] ?? null;

  useEffect(() => {
    if (chosen && wanted !== chosen.id) setParams({ account: chosen.id }, { replace: true });
  }, [chosen, wanted, setParams]);

  return {
    accounts,
    list,
    chosen,
    choose: (id: string) => setParams({ account: id }, { replace: true }),
  };
}

export function AccountPicker({ choice }: { choice: ReturnType<typeof useAccountChoice> }) {
  const { accounts, list, chosen } = choice;
  if (accounts.loading && !accounts.data) return <Loading lines={1} />;
  if (accounts.error) return <Alert kind="error">{accounts.error}</Alert>;
  if (list.length === 0) {
    return (
      <div className="card empty">
        <p>
          У Вас пока нет привязанных лицевых счетов. <Link to="/accounts">Добавьте счет</Link> на странице «Мои счета».
        </p>
      </div>
    );
  }
  return (
    <div className="picker">
      <SelectField
        id="account-choice"
        label="Лицевой счет"
        value={chosen?.id ?? ""}
        onChange={choice.choose}
        options={list.map((a) => ({ value: a.id, label: `№ ${a.number} — ${a.address}` }))}
      />
    </div>
  );
}
