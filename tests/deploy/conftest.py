"""The deploy tests: static checks of the Dockerfiles, docker-compose.yml and deploy/k8s/.

No Docker engine runs here (issue 10): everything is read as data. kubectl is optional: where
it is installed, test_rendered.py checks that its kustomize renders what the test renderer does.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

# The tests share a support module beside them (pytest imports tests by path, not package).
sys.path.insert(0, str(Path(__file__).resolve().parent))
from deploy_support import COMPOSE_FILE, K8S, OVERLAYS
from kustomize_support import render


@pytest.fixture(scope="session")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(COMPOSE_FILE.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="session")
def rendered() -> dict[str, list[dict[str, Any]]]:
    """Each overlay's objects, as `kubectl kustomize deploy/k8s/overlays/<name>` prints them."""
    return {overlay: render(K8S / "overlays" / overlay) for overlay in OVERLAYS}
