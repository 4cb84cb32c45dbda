"""tools/check_template.py: the five services pass it, and it names what breaks the template."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parent / "check_template.py"
SERVICES = ("identity", "accounts", "readings", "payments", "notifications")


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_template", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module


CHECK_TEMPLATE = _load()
WITHOUT_CONSUMER: dict[str, str] = CHECK_TEMPLATE.WITHOUT_CONSUMER
PACKAGE_MODULES = (
    "__init__",
    "settings",
    "bootstrap",
    "domain/__init__",
    "domain/errors",
    "domain/messages",
    "service_layer/__init__",
    "service_layer/queries",
    "adapters/__init__",
    "adapters/tables",
    "entrypoints/__init__",
    "entrypoints/api",
    "entrypoints/consumer",
    "entrypoints/relay",
    "entrypoints/errors",
    "entrypoints/dependencies",
    "entrypoints/schemas",
    "entrypoints/problem_docs",
    "entrypoints/routers/__init__",
    "entrypoints/routers/things",
)
COMMAND = 'def main() -> None:\n    pass\n\n\nif __name__ == "__main__":\n    main()\n'


def run(root: Path | None = None) -> tuple[int, list[str]]:
    argv = [sys.executable, str(SCRIPT)] + (["--root", str(root)] if root else [])
    done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    return done.returncode, done.stdout.splitlines()


def five_services(root: Path) -> Path:
    """A repository of five services that follow the template exactly."""
    for name in SERVICES:
        service = root / "services" / name
        for relative in ("README.md", "pyproject.toml", "alembic.ini", "migrations/env.py", "tests/conftest.py"):
            (service / relative).parent.mkdir(parents=True, exist_ok=True)
            (service / relative).write_text("")
        for module in PACKAGE_MODULES:
            if module == "entrypoints/consumer" and name in WITHOUT_CONSUMER:
                continue
            path = service / "src" / f"lka_{name}" / f"{module}.py"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text("")
    return root


def test_the_five_services_follow_the_template() -> None:
    assert run() == (0, [])


def test_a_tree_built_on_the_template_passes(tmp_path: Path) -> None:
    assert run(five_services(tmp_path)) == (0, [])


def test_a_missing_module_or_readme_is_named_with_its_service(tmp_path: Path) -> None:
    notifications = five_services(tmp_path) / "services/notifications"
    (notifications / "src/lka_notifications/entrypoints/errors.py").unlink()
    (notifications / "README.md").unlink()

    assert run(tmp_path) == (
        1,
        [
            "notifications: README.md is missing",
            "notifications: src/lka_notifications/entrypoints/errors.py is missing",
        ],
    )


def test_service_specific_modules_are_allowed_where_the_template_allows_them(tmp_path: Path) -> None:
    package = five_services(tmp_path) / "services/readings/src/lka_readings"
    for module in ("domain/periods", "service_layer/verdicts", "adapters/meters", "entrypoints/routers/public"):
        (package / f"{module}.py").write_text("")
    (package / "templates").mkdir()
    (package / "templates/letter.html").write_text("")

    assert run(tmp_path) == (0, [])


def test_only_commands_may_join_the_processes_in_entrypoints(tmp_path: Path) -> None:
    entrypoints = five_services(tmp_path) / "services/identity/src/lka_identity/entrypoints"
    (entrypoints / "rotate_key.py").write_text(COMMAND)
    (entrypoints / "helpers.py").write_text("def helper() -> None:\n    pass\n")

    code, lines = run(tmp_path)
    assert code == 1
    assert lines == [
        "identity: src/lka_identity/entrypoints/helpers.py is not in the template"
        " (src/lka_identity/entrypoints/ holds only command-line processes)"
    ]


def test_a_folder_the_template_lacks_is_named(tmp_path: Path) -> None:
    package = five_services(tmp_path) / "services/accounts/src/lka_accounts"
    (package / "utils").mkdir()
    (package / "utils/__init__.py").write_text("")

    assert run(tmp_path) == (1, ["accounts: src/lka_accounts/utils/ is not a folder of the template"])


def test_the_schemas_may_be_a_package_of_their_parts_and_no_other_module_may(tmp_path: Path) -> None:
    entrypoints = five_services(tmp_path) / "services/payments/src/lka_payments/entrypoints"
    (entrypoints / "schemas.py").unlink()
    (entrypoints / "schemas").mkdir()
    for part in ("__init__", "payments", "autopay"):
        (entrypoints / f"schemas/{part}.py").write_text("")
    (entrypoints / "errors.py").unlink()
    (entrypoints / "errors").mkdir()
    (entrypoints / "errors/__init__.py").write_text("")

    assert run(tmp_path) == (
        1,
        [
            "payments: src/lka_payments/entrypoints/errors.py is missing",
            "payments: src/lka_payments/entrypoints/errors/ is not a folder of the template",
        ],
    )


def test_a_router_and_a_use_case_module_may_not_share_a_name(tmp_path: Path) -> None:
    package = five_services(tmp_path) / "services/payments/src/lka_payments"
    (package / "entrypoints/routers/history.py").write_text("")
    (package / "service_layer/history.py").write_text("")

    assert run(tmp_path) == (
        1,
        [
            "payments: src/lka_payments/entrypoints/routers/history.py and"
            " src/lka_payments/service_layer/history.py share a name"
        ],
    )


def test_every_service_runs_a_consumer_now() -> None:
    """Identity, the last without one, consumes every service's audit records."""
    assert WITHOUT_CONSUMER == {}


def test_a_consumer_is_required_unless_the_service_is_declared_without_one(tmp_path: Path) -> None:
    (five_services(tmp_path) / "services/accounts/src/lka_accounts/entrypoints/consumer.py").unlink()

    assert run(tmp_path) == (1, ["accounts: src/lka_accounts/entrypoints/consumer.py is missing"])


def test_a_service_declared_without_a_consumer_has_none(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The declaration still works for a service that would consume nothing (none today)."""
    entrypoints = five_services(tmp_path) / "services/readings/src/lka_readings/entrypoints"
    reason = "it consumes no event"
    monkeypatch.setitem(CHECK_TEMPLATE.WITHOUT_CONSUMER, "readings", reason)

    with_one = CHECK_TEMPLATE.problems(tmp_path)
    (entrypoints / "consumer.py").unlink()
    without = CHECK_TEMPLATE.problems(tmp_path)

    assert with_one == [
        f"readings: src/lka_readings/entrypoints/consumer.py is there, but WITHOUT_CONSUMER says {reason}"
    ]
    assert without == []
