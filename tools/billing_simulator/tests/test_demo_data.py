"""The demo data (docs/contract.md §1): accounts in several regions the accounts service knows, single-,
two- and three-zone meters, owners' surnames with «ё», debts, overpayments and last payments;
and the README lists every account a newcomer may link."""

from __future__ import annotations

from pathlib import Path

from lka_billing_simulator.demo import DEMO_ACCOUNTS, find
from lka_common.testing.layout import service_dir

README = Path(__file__).resolve().parents[1] / "README.md"


def money(kopecks: int) -> str:
    return f"{kopecks // 100}.{kopecks % 100:02d}"


def test_demo_accounts_cover_several_regions_every_kind_of_meter_and_balance() -> None:
    assert len({account.region_code for account in DEMO_ACCOUNTS}) >= 4
    assert {meter.zones for account in DEMO_ACCOUNTS for meter in account.meters} == {1, 2, 3}
    assert any("ё" in account.owner_surname.lower() for account in DEMO_ACCOUNTS)
    assert any(account.debt_kopecks > 0 and account.penalty_kopecks > 0 for account in DEMO_ACCOUNTS)
    assert any(account.debt_kopecks < 0 for account in DEMO_ACCOUNTS)
    assert any(account.last_payment_kopecks is None for account in DEMO_ACCOUNTS)
    assert len({(a.region_code, a.number) for a in DEMO_ACCOUNTS}) == len(DEMO_ACCOUNTS)


def test_every_meter_reading_fits_its_zones_and_digits() -> None:
    for account in DEMO_ACCOUNTS:
        for meter in account.meters:
            assert list(meter.last_values) == ["T1", "T2", "T3"][: meter.zones]
            assert all(0 <= value < 10**meter.digits for value in meter.last_values.values())


def test_demo_regions_are_regions_the_accounts_service_knows() -> None:
    migrations = (service_dir("accounts") / "migrations" / "versions").glob("*.py")
    seeded = "".join(path.read_text(encoding="utf-8") for path in migrations)

    for account in DEMO_ACCOUNTS:
        assert f'("{account.region_code}",' in seeded


def test_the_readme_lists_every_demo_account_with_its_surname_and_last_payment() -> None:
    readme = README.read_text(encoding="utf-8")

    for account in DEMO_ACCOUNTS:
        row = next(line for line in readme.splitlines() if f"`{account.number}`" in line)
        assert account.owner_surname in row
        assert f"`{account.region_code}`" in row
        last = money(account.last_payment_kopecks) if account.last_payment_kopecks is not None else "нет"
        assert last in row
        assert all(meter.serial_number in row for meter in account.meters)
        assert f"`{account.tariff_id}`" in row


def test_only_demo_accounts_are_the_simulators_own() -> None:
    first = DEMO_ACCOUNTS[0]

    assert find(first.region_code, first.number) is first
    assert find(first.region_code, "00000000") is None
    assert find("yalta", first.number) is None
