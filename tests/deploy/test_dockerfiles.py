"""Every image's Dockerfile parses, builds in two stages from the pinned constraints, and runs as a
non-root user with a HEALTHCHECK on the process's /healthz.

The five services share services/Dockerfile. It is read once per service, with that service's
build args (deploy_support.IMAGES, which compose must pass), and expanded as Docker would: ARGs
and ENVs in the instructions Docker expands at build time; CMD and HEALTHCHECK, which Docker
leaves alone, by /bin/sh with only the image's ENV, as when the container runs. A variable
that would be unset there (an ARG not declared in its stage, a build arg not persisted in an
ENV) fails the test rather than quietly becoming an empty string.
"""

from __future__ import annotations

import fnmatch
import functools
import importlib
import json
import os
import re
import shlex
import subprocess
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import SplitResult, urlsplit

import httpx
import pytest
from deploy_support import IMAGES, ROOT, SERVICE_DOCKERFILE, SERVICES, settings_class
from dockerfile_parse import DockerfileParser

BUILD_TOOLS = re.compile(r"\b(apt-get|apk|gcc|g\+\+|make|build-essential|curl|wget)\b")
# What python:3.11-slim's own environment gives the Dockerfiles (`ENV PATH=/opt/venv/bin:$PATH`).
BASE_ENV = {"PATH": "/usr/local/bin:/usr/local/sbin:/usr/sbin:/usr/bin:/sbin:/bin"}
# The instructions Docker expands $VAR / ${VAR} in; a RUN is expanded by its shell at build time,
# CMD, ENTRYPOINT and HEALTHCHECK by the container's shell, if they go through one.
EXPANDED = {"ADD", "COPY", "ENV", "EXPOSE", "FROM", "LABEL", "STOPSIGNAL", "USER", "VOLUME", "WORKDIR"}
VARIABLE = re.compile(r"\$(?:\{(\w+)\}|(\w+))")
PROBE_URL = re.compile(r"http://[^'\"\s]+")


@dataclass(frozen=True)
class Step:
    """An instruction as the build sees it, and the ARGs and ENVs in force after it."""

    instruction: str
    value: str  # expanded if Docker expands it, else as written
    args: Mapping[str, str]
    env: Mapping[str, str]


def parse(relative: str) -> list[dict[str, str]]:
    parser = DockerfileParser(fileobj=open(ROOT / relative, "rb"))  # noqa: SIM115 - the parser reads it at once
    try:
        return [i for i in parser.structure if i["instruction"] != "COMMENT"]
    finally:
        parser.fileobj.close()


def expand(text: str, variables: Mapping[str, str]) -> str:
    if "$" in VARIABLE.sub("", text):
        raise AssertionError(f"a substitution the tests do not implement: {text}")

    def value(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(2)
        assert name in variables, f"${name} is unset in `{text}` (an ARG not declared in this stage, or not passed)"
        return variables[name]

    return VARIABLE.sub(value, text)


def declarations(value: str) -> list[tuple[str, str | None]]:
    """`ARG NAME[=default] ...` -> (name, default or None)."""
    return [(word.partition("=")[0], word.partition("=")[2] if "=" in word else None) for word in shlex.split(value)]


def env_pairs(value: str, variables: Mapping[str, str]) -> dict[str, str]:
    """`ENV KEY=value ...` (or the old `ENV KEY value`), keys and values expanded."""
    words = shlex.split(value)
    if "=" not in words[0]:
        key, _, rest = value.partition(" ")
        return {expand(key, variables): expand(rest.strip(), variables)}
    pairs = (word.partition("=") for word in words)
    return {expand(key, variables): expand(val, variables) for key, _, val in pairs}


@functools.cache
def stages(image: str) -> list[list[Step]]:
    """The stages of `image`'s Dockerfile, built with its build args."""
    build = IMAGES[image]
    top_args: dict[str, str] = {}
    result: list[list[Step]] = []
    args: dict[str, str] = {}
    env: dict[str, str] = {}
    for item in parse(build.dockerfile):
        instruction, value = item["instruction"], item["value"]
        if not result and instruction == "ARG":  # before the first FROM: only for FROM lines
            for name, default in declarations(value):
                chosen = build.args.get(name, default)
                if chosen is not None:
                    top_args[name] = chosen
            continue
        if instruction == "FROM":
            args, env = {}, dict(BASE_ENV)
            result.append([])
            value = expand(value, top_args)
        elif instruction == "ARG":
            for name, default in declarations(value):
                chosen = build.args.get(name, default if default is not None else top_args.get(name))
                if chosen is not None:
                    args[name] = chosen
        elif instruction == "ENV":
            pairs = env_pairs(value, args | env)
            env.update(pairs)
            value = " ".join(f"{key}={val}" for key, val in pairs.items())
        elif instruction in EXPANDED:
            value = expand(value, args | env)
        result[-1].append(Step(instruction, value, dict(args), dict(env)))
    return result


def declared_args(relative: str) -> dict[str, str | None]:
    return {
        name: default
        for i in parse(relative)
        if i["instruction"] == "ARG"
        for name, default in declarations(i["value"])
    }


def values(stage: list[Step], name: str) -> list[str]:
    return [step.value for step in stage if step.instruction == name]


def runtime_env(stage: list[Step]) -> dict[str, str]:
    """The environment of a container of the image: its ENVs; the build args are gone."""
    return dict(stage[-1].env)


def shell_words(script: str, env: Mapping[str, str]) -> list[str]:
    """The words /bin/sh makes of the simple command `script` in `env` (an unset variable is an error)."""
    tokens = list(shlex.shlex(script, posix=True, punctuation_chars=True))
    assert "`" not in script and "$(" not in script, f"not a simple command: {script}"
    assert not [t for t in tokens if set(t) <= set(";&|<>()")], f"not a simple command: {script}"
    shell = subprocess.run(
        ["/bin/sh", "-uc", f'set -- {script}\nprintf "%s\\0" "$@"'],
        env=dict(env),
        capture_output=True,
        text=True,
        check=False,
    )
    assert shell.returncode == 0, f"{script}: {shell.stderr}"
    return shell.stdout.split("\0")[:-1]


def command(value: str, env: Mapping[str, str]) -> tuple[list[str], bool]:
    """What a CMD or HEALTHCHECK CMD runs in a container with `env`: (argv, whether the process is
    the one the container started — exec form, or a shell that `exec`s it)."""
    if not value.startswith("["):
        words = shell_words(value, env)  # the shell form: /bin/sh -c
    else:
        argv: list[str] = json.loads(value)
        if argv[:2] not in (["/bin/sh", "-c"], ["sh", "-c"]):
            assert not any("$" in word for word in argv), f"the exec form does not expand variables: {argv}"
            return argv, True
        words = shell_words(argv[2], env)
    return (words[1:], True) if words[0] == "exec" else (words, False)


def healthcheck(image: str) -> tuple[list[str], SplitResult]:
    """What the HEALTHCHECK runs in a container of `image`, and the URL it asks for."""
    final = stages(image)[-1]
    (value,) = values(final, "HEALTHCHECK")
    argv, _ = command(value[value.index("CMD") + 3 :].strip(), runtime_env(final))
    (url,) = PROBE_URL.findall(" ".join(argv))
    return argv, urlsplit(url)


def exposed(stage: list[Step]) -> set[int]:
    return {int(port) for value in values(stage, "EXPOSE") for port in value.split()}


def test_every_process_has_a_dockerfile() -> None:
    found = {str(p.relative_to(ROOT)) for p in ROOT.glob("*/**/Dockerfile") if ".venv" not in p.parts}
    assert found == {build.dockerfile for build in IMAGES.values()}
    # ... and every service package has its image from the shared one.
    assert {p.parent.name for p in (ROOT / "services").glob("*/pyproject.toml")} == set(SERVICES)
    assert {image for image, build in IMAGES.items() if build.dockerfile == SERVICE_DOCKERFILE} == {
        f"lka/{svc}" for svc in SERVICES
    }


@pytest.mark.parametrize("image", sorted(IMAGES))
def test_build_args_are_the_ones_the_dockerfile_declares(image: str) -> None:
    """No arg missing (Docker would build on an empty string), none ignored; none has a default,
    so a build that forgets one cannot quietly make some other service's image."""
    build = IMAGES[image]
    declared = declared_args(build.dockerfile)
    assert set(declared) == set(build.args)
    assert all(default is None for default in declared.values()), declared


@pytest.mark.parametrize("svc", sorted(SERVICES))
def test_service_build_args_are_the_services_own(svc: str) -> None:
    cls = settings_class(svc)
    fields = cls.model_fields
    assert IMAGES[f"lka/{svc}"].args == {
        "SERVICE": cls.service_name,
        "SETTINGS_PREFIX": cls.env_prefix(),
        "API_PORT": str(fields["http_port"].default),
        "CONSUMER_PORT": str(fields["consumer_health_port"].default),
        "RELAY_PORT": str(fields["relay_health_port"].default),
    }


@pytest.mark.parametrize("image", sorted(IMAGES))
def test_multi_stage_build_from_constraints(image: str) -> None:
    *_, builder, final = stages(image)
    assert values(builder, "FROM")[0].startswith("python:3.11-slim") and values(builder, "FROM")[0].endswith(
        "AS builder"
    )
    assert values(final, "FROM") == ["python:3.11-slim"]
    installs = [step for step in builder if step.instruction == "RUN" and "pip install" in step.value]
    assert installs and all("--no-cache-dir" in s.value and "-c constraints.txt" in s.value for s in installs)
    # What pip installs, as the RUN's shell expands it: packages of this repository, and for a
    # service its own.
    packages = [w for s in installs for w in shell_words(s.value, {**s.args, **s.env}) if w.startswith("./")]
    assert packages and all((ROOT / package / "pyproject.toml").is_file() for package in packages), packages
    if "SERVICE" in IMAGES[image].args:
        assert f"./services/{IMAGES[image].args['SERVICE']}" in packages
    assert any(v.startswith("--from=builder /opt/venv /opt/venv") for v in values(final, "COPY"))
    # No compilers, package managers or downloaders in the image that runs.
    for run in values(final, "RUN"):
        assert not BUILD_TOOLS.search(run), run


@pytest.mark.parametrize("image", sorted(IMAGES))
def test_runs_as_non_root(image: str) -> None:
    final = stages(image)[-1]
    users = values(final, "USER")
    assert users, "no USER in the final stage"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}
    assert users[-1] == "10001:10001"  # what deploy/k8s runs them as (runAsUser)
    # The final USER comes after the last RUN, so nothing later runs as root.
    kinds = [step.instruction for step in final]
    assert max(i for i, k in enumerate(kinds) if k == "RUN") < max(i for i, k in enumerate(kinds) if k == "USER")


@pytest.mark.parametrize("image", sorted(IMAGES))
def test_healthcheck_probes_healthz_without_curl(image: str) -> None:
    port = IMAGES[image].health_port
    argv, url = healthcheck(image)
    assert argv[:2] == ["python", "-c"]
    assert "urllib.request" in argv[2] and f"http://127.0.0.1:{port}/healthz" in argv[2]
    assert (url.hostname, url.port, url.path) == ("127.0.0.1", port, "/healthz")
    assert port in exposed(stages(image)[-1])


@pytest.mark.parametrize("image", sorted(IMAGES))
def test_default_command_is_the_containers_main_process(image: str) -> None:
    """PID 1 gets `docker stop`'s SIGTERM: a default command through a shell must `exec`."""
    final = stages(image)[-1]
    (cmd,) = values(final, "CMD")
    argv, main_process = command(cmd, runtime_env(final))
    assert argv and main_process, argv


@pytest.mark.parametrize("image", sorted(IMAGES))
def test_copied_sources_exist_and_are_not_ignored(image: str) -> None:
    ignored = [
        line.strip()
        for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#") and not line.startswith("!")
    ]
    for stage in stages(image):
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


@pytest.mark.parametrize("svc", sorted(SERVICES))
def test_service_images_carry_their_migrations(svc: str) -> None:
    final = stages(f"lka/{svc}")[-1]
    assert f"services/{svc}/alembic.ini /app/services/{svc}/alembic.ini" in values(final, "COPY")
    assert f"services/{svc}/migrations /app/services/{svc}/migrations" in values(final, "COPY")
    assert values(final, "WORKDIR") == [f"/app/services/{svc}"]
    (cmd,) = values(final, "CMD")
    assert command(cmd, runtime_env(final)) == (["python", "-m", f"lka_{svc}.entrypoints.api"], True)


@pytest.mark.parametrize("svc", sorted(SERVICES))
def test_service_image_listens_where_its_settings_say(svc: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The image binds every interface (the processes default to loopback), exposes the three
    ports the service's settings give, and probes its API's."""
    final = stages(f"lka/{svc}")[-1]
    env = runtime_env(final)
    cls = settings_class(svc)
    # The exact name: pydantic-settings would also read LKA_identity_HTTP_HOST, an override would not win.
    assert env.get(f"{cls.env_prefix()}HTTP_HOST") == "0.0.0.0", sorted(env)
    for key in [k for k in os.environ if k.startswith("LKA_")]:
        monkeypatch.delenv(key)
    for key, value in env.items():
        if key.startswith("LKA_"):
            monkeypatch.setenv(key, value)
    settings = cls()
    assert settings.http_host == "0.0.0.0"
    assert exposed(final) == {settings.http_port, settings.consumer_health_port, settings.relay_health_port}
    assert healthcheck(f"lka/{svc}")[1].port == settings.http_port


@pytest.mark.parametrize("svc", sorted(SERVICES))
async def test_the_healthcheck_path_is_served_by_the_api(svc: str) -> None:
    """What the HEALTHCHECK asks for is a route of the service's API (no database needed)."""
    _, url = healthcheck(f"lka/{svc}")
    bootstrap = importlib.import_module(f"lka_{svc}.bootstrap")
    transport = httpx.ASGITransport(app=bootstrap.build_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
        assert (await client.get(url.path)).status_code == 200
        assert (await client.get(url.path + "-not-here")).status_code == 404


def test_dockerignore_keeps_the_context_small() -> None:
    lines = set((ROOT / ".dockerignore").read_text(encoding="utf-8").split())
    assert {".git", ".venv", "**/__pycache__", "**/tests", ".env"} <= lines


def test_the_gateway_image_serves_the_built_web_front_end() -> None:
    web, *_, final = stages("lka/gateway")
    assert values(web, "FROM")[0].startswith("node:20") and values(web, "FROM")[0].endswith("AS web")
    runs = values(web, "RUN")
    # From the lock file, and the same build command as `make run`.
    assert runs[0].startswith("npm ci") and runs[-1] == "npm run build"
    assert "--from=web /web/dist /app/web" in values(final, "COPY")
    assert "LKA_GATEWAY_WEB_DIR=/app/web" in values(final, "ENV")
    # Node itself stays behind: the image that runs has only the files.
    assert all(not v.startswith("node") for v in values(final, "FROM"))
