"""Every Dockerfile parses, builds in two stages from the pinned constraints, and runs as a non-root user
with a HEALTHCHECK on the process's /healthz."""

from __future__ import annotations

import fnmatch
import json
import re
from pathlib import Path

import pytest
from deploy_support import DOCKERFILES, ROOT
from dockerfile_parse import DockerfileParser

BUILD_TOOLS = re.compile(r"\b(apt-get|apk|gcc|g\+\+|make|build-essential|curl|wget)\b")


def parse(relative: str) -> list[dict[str, str]]:
    parser = DockerfileParser(fileobj=open(ROOT / relative, "rb"))  # noqa: SIM115 - the parser reads it at once
    try:
        return list(parser.structure)
    finally:
        parser.fileobj.close()


def stages(instructions: list[dict[str, str]]) -> list[list[dict[str, str]]]:
    result: list[list[dict[str, str]]] = []
    for instruction in instructions:
        if instruction["instruction"] == "FROM":
            result.append([])
        if result:
            result[-1].append(instruction)
    return result


def values(stage: list[dict[str, str]], name: str) -> list[str]:
    return [i["value"] for i in stage if i["instruction"] == name]


def test_every_process_has_a_dockerfile() -> None:
    found = {str(p.relative_to(ROOT)) for p in ROOT.glob("*/**/Dockerfile") if ".venv" not in p.parts}
    assert found == set(DOCKERFILES)


@pytest.mark.parametrize("relative", sorted(DOCKERFILES))
def test_multi_stage_build_from_constraints(relative: str) -> None:
    *_, builder, final = stages(parse(relative))
    assert values(builder, "FROM")[0].startswith("python:3.11-slim") and values(builder, "FROM")[0].endswith(
        "AS builder"
    )
    assert values(final, "FROM") == ["python:3.11-slim"]
    installs = [run for run in values(builder, "RUN") if "pip install" in run]
    assert installs and all("--no-cache-dir" in run and "-c constraints.txt" in run for run in installs)
    assert any(v.startswith("--from=builder /opt/venv /opt/venv") for v in values(final, "COPY"))
    # No compilers, package managers or downloaders in the image that runs.
    for run in values(final, "RUN"):
        assert not BUILD_TOOLS.search(run), run


@pytest.mark.parametrize("relative", sorted(DOCKERFILES))
def test_runs_as_non_root(relative: str) -> None:
    final = stages(parse(relative))[-1]
    users = values(final, "USER")
    assert users, "no USER in the final stage"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    # The final USER comes after the last RUN, so nothing later runs as root.
    kinds = [i["instruction"] for i in final]
    assert max(i for i, k in enumerate(kinds) if k == "RUN") < max(i for i, k in enumerate(kinds) if k == "USER")


@pytest.mark.parametrize("relative", sorted(DOCKERFILES))
def test_healthcheck_probes_healthz_without_curl(relative: str) -> None:
    _, port = DOCKERFILES[relative]
    final = stages(parse(relative))[-1]
    (healthcheck,) = values(final, "HEALTHCHECK")
    command = json.loads(healthcheck[healthcheck.index("CMD") + 3 :])
    assert command[:2] == ["python", "-c"]
    assert "urllib.request" in command[2] and f"http://127.0.0.1:{port}/healthz" in command[2]
    exposed = {int(p) for v in values(final, "EXPOSE") for p in v.split()}
    assert port in exposed
    assert values(final, "CMD"), "a default command"


@pytest.mark.parametrize("relative", sorted(DOCKERFILES))
def test_copied_sources_exist_and_are_not_ignored(relative: str) -> None:
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("!")
    ]
    for stage in stages(parse(relative)):
        for copy in values(stage, "COPY"):
            if copy.startswith("--from="):
                continue
            *sources, _ = copy.split()
            for source in sources:
                assert (ROOT / source).exists(), source
                parts = Path(source).parts
                prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
                hits = [p for p in ignored for prefix in prefixes if fnmatch.fnmatch(prefix, p.rstrip("/"))]
                assert not hits, f"{source} is excluded by .dockerignore {hits}"


def test_service_images_carry_their_migrations() -> None:
    for relative, (image, _) in DOCKERFILES.items():
        if not relative.startswith("services/"):
            continue
        svc = image.split("/")[1]
        final = stages(parse(relative))[-1]
        assert f"services/{svc}/alembic.ini /app/services/{svc}/alembic.ini" in values(final, "COPY")
        assert f"services/{svc}/migrations /app/services/{svc}/migrations" in values(final, "COPY")
        assert values(final, "WORKDIR") == [f"/app/services/{svc}"]
        assert values(final, "CMD") == [f'["python", "-m", "lka_{svc}.entrypoints.api"]']


def test_dockerignore_keeps_the_context_small() -> None:
    lines = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", "**/__pycache__", "**/tests", ".env"} <= lines


def test_the_gateway_image_serves_the_built_web_front_end() -> None:
    web, *_, final = stages(parse("gateway/Dockerfile"))
    assert values(web, "FROM")[0].startswith("node:20") and values(web, "FROM")[0].endswith("AS web")
    runs = values(web, "RUN")
    # From the lock file, and the same build command as `make run`.
    assert runs[0].startswith("npm ci") and runs[-1] == "npm run build"
    assert "--from=web /web/dist /app/web" in values(final, "COPY")
    assert "LKA_GATEWAY_WEB_DIR=/app/web" in values(final, "ENV")
    # Node itself stays behind: the image that runs has only the files.
    assert all(not v.startswith("node") for v in values(final, "FROM"))
