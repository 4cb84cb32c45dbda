"""What each overlay renders to, kept in tests/deploy/rendered/<overlay>.yaml: any change to
deploy/k8s/ shows up there as a diff to review.

After a deliberate change, regenerate both files and review their diff:

    .venv/bin/python tests/deploy/test_rendered.py

The files are canonical: objects sorted by (kind, namespace, name), keys sorted, no YAML aliases.
Where kubectl is installed, its own kustomize must render the same objects as the test renderer.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from deploy_support import K8S, OVERLAYS
from kustomize_support import render

RENDERED = Path(__file__).resolve().parent / "rendered"


class _NoAliases(yaml.SafeDumper):
    def ignore_aliases(self, data: Any) -> bool:
        return True


def canonical(objects: list[dict[str, Any]]) -> str:
    ordered = sorted(objects, key=lambda o: (o["kind"], o["metadata"].get("namespace", ""), o["metadata"]["name"]))
    return yaml.dump_all(ordered, Dumper=_NoAliases, sort_keys=True, default_flow_style=False, allow_unicode=True)


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_overlay_renders_as_recorded(overlay: str) -> None:
    recorded = (RENDERED / f"{overlay}.yaml").read_text(encoding="utf-8")
    assert canonical(render(K8S / "overlays" / overlay)) == recorded, (
        f"deploy/k8s/overlays/{overlay} renders differently from tests/deploy/rendered/{overlay}.yaml: "
        "if the change is meant, run `.venv/bin/python tests/deploy/test_rendered.py` and review the diff"
    )


@pytest.mark.skipif(shutil.which("kubectl") is None, reason="kubectl is not installed")
@pytest.mark.parametrize("directory", [*(f"overlays/{overlay}" for overlay in OVERLAYS), "base"])
def test_kustomize_itself_renders_the_same(directory: str) -> None:
    built = subprocess.run(
        ["kubectl", "kustomize", str(K8S / directory)], capture_output=True, text=True, check=True, timeout=60
    )
    objects = [doc for doc in yaml.safe_load_all(built.stdout) if doc]
    assert canonical(objects) == canonical(render(K8S / directory))


if __name__ == "__main__":
    RENDERED.mkdir(exist_ok=True)
    for name in OVERLAYS:
        (RENDERED / f"{name}.yaml").write_text(canonical(render(K8S / "overlays" / name)), encoding="utf-8")
        print(f"wrote tests/deploy/rendered/{name}.yaml")
