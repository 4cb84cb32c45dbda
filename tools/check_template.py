"""Check that the five services are built on one template (docs/architecture.md), so reading one
teaches all five: the same module names in the same roles under each `src/lka_<name>/`, less the
consumer of a service declared in WITHOUT_CONSUMER.

    .venv/bin/python tools/check_template.py [--root DIR]

Silent with exit status 0 when they agree; otherwise one line per difference, naming the
service and the path, and exit status 1. A test runs it (tools/test_check_template.py).
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

SERVICES = ("identity", "accounts", "readings", "payments", "notifications")
# The services that consume no event, and why: they have no entrypoints/consumer.py, no
# subscriptions() and no consumer process (make run, docker-compose.yml, deploy/k8s). Every other
# service has its consumer. None today: identity, the last one here, consumes every service's
# audit records since the audit came (docs/contract.md §4 "Audit").
WITHOUT_CONSUMER: dict[str, str] = {}


@dataclass(frozen=True)
class Folder:
    """The modules every service has in one folder of its package, and what else may be there."""

    required: frozenset[str]
    # Use cases, rules and adapters differ by service; the processes and the API's edge do not.
    extras: bool = False
    # Besides the required ones, only command-line processes (a `main()` run under `__main__`).
    extra_commands: bool = False


TEMPLATE = {
    ".": Folder(frozenset({"__init__", "settings", "bootstrap"})),
    "domain": Folder(frozenset({"__init__", "errors", "messages"}), extras=True),
    "service_layer": Folder(frozenset({"__init__"}), extras=True),
    "adapters": Folder(frozenset({"__init__", "tables"}), extras=True),
    "entrypoints": Folder(
        frozenset({"__init__", "api", "consumer", "relay", "errors", "dependencies", "schemas", "problem_docs"}),
        extra_commands=True,
    ),
    "entrypoints/routers": Folder(frozenset({"__init__"}), extras=True),
}
# Modules that may be a package of the same name instead, their parts inside, when one file grew
# too long to read (payments' schemas: a module per part of its API).
MAY_BE_PACKAGES = {"entrypoints/schemas"}
# Beside the package, in services/<name>/.
SERVICE_FILES = ("README.md", "pyproject.toml", "alembic.ini", "migrations/env.py", "tests/conftest.py")


def is_command(module: Path) -> bool:
    text = module.read_text(encoding="utf-8")
    return "def main(" in text and 'if __name__ == "__main__":' in text


def service_problems(service_dir: Path, name: str) -> list[str]:
    found: list[str] = []
    for relative in SERVICE_FILES:
        if not (service_dir / relative).is_file():
            found.append(f"{name}: {relative} is missing")
    package = service_dir / "src" / f"lka_{name}"
    if not package.is_dir():
        return [*found, f"{name}: src/lka_{name}/ is missing"]
    where = f"src/lka_{name}"
    for folder, rule in TEMPLATE.items():
        directory = package / folder
        shown = where if folder == "." else f"{where}/{folder}"
        if not directory.is_dir():
            found.append(f"{name}: {shown}/ is missing")
            continue
        modules = {path.stem: path for path in directory.glob("*.py")}
        for package_path in MAY_BE_PACKAGES:
            inside = package / package_path / "__init__.py"
            if Path(package_path).parent.as_posix() == folder and inside.is_file():
                modules.setdefault(Path(package_path).name, inside)
        required = rule.required
        if folder == "entrypoints" and name in WITHOUT_CONSUMER:
            required = required - {"consumer"}
            if "consumer" in modules:
                found.append(
                    f"{name}: {shown}/consumer.py is there, but WITHOUT_CONSUMER says {WITHOUT_CONSUMER[name]}"
                )
                del modules["consumer"]
        for missing in sorted(required - modules.keys()):
            found.append(f"{name}: {shown}/{missing}.py is missing")
        for extra in sorted(modules.keys() - required):
            if rule.extras or (rule.extra_commands and is_command(modules[extra])):
                continue
            allowed = "only command-line processes" if rule.extra_commands else "only the template's modules"
            found.append(f"{name}: {shown}/{extra}.py is not in the template ({shown}/ holds {allowed})")
    # A package folder the template does not know (data folders such as templates/ are fine).
    folders = {path.parent.relative_to(package).as_posix() for path in package.rglob("*.py")}
    for folder in sorted(folders - TEMPLATE.keys() - MAY_BE_PACKAGES):
        found.append(f"{name}: {where}/{folder}/ is not a folder of the template")
    routers = {path.stem for path in (package / "entrypoints/routers").glob("*.py")} - {"__init__"}
    use_cases = {path.stem for path in (package / "service_layer").glob("*.py")} - {"__init__"}
    if not routers:
        found.append(f"{name}: {where}/entrypoints/routers/ has no router")
    # A router imports its use cases by module name: sharing one would need an alias to read.
    for shared in sorted(routers & use_cases):
        found.append(
            f"{name}: {where}/entrypoints/routers/{shared}.py and {where}/service_layer/{shared}.py share a name"
        )
    return found


def problems(root: Path) -> list[str]:
    return [line for name in SERVICES for line in service_problems(root / "services" / name, name)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--root", type=Path, default=Path(__file__).resolve().parents[1], help="the repository")
    found = problems(parser.parse_args(argv).root)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
