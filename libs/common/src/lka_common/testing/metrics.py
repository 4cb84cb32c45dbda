"""Reading this process's Prometheus metrics in a test: the services' tests run the API (and
the consumer's handlers) in the test process, so what they count is in the default registry."""

from __future__ import annotations

from prometheus_client import REGISTRY


def sample(name: str, **labels: str) -> float:
    """The value of one series now; 0 for a series not yet created."""
    return REGISTRY.get_sample_value(name, labels) or 0.0


class Delta:
    """How much one series moved since the object was made: `moved = Delta(name, **labels)`,
    act, then `assert moved() == 1`. Tests run side by side in one process, so a test asserts
    differences, never absolute values."""

    def __init__(self, name: str, **labels: str) -> None:
        self._name, self._labels = name, labels
        self._start = sample(name, **labels)

    def __call__(self) -> float:
        return sample(self._name, **self._labels) - self._start
