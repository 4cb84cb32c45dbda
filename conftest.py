"""Root conftest: the shared fixtures of lka_common.testing for every package's tests."""

pytest_plugins = ["lka_common.testing.fixtures"]
