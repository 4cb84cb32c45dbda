"""Test support shared by every package: real servers, fresh databases, real processes."""
