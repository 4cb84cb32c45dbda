"""Shared plumbing of the LKA services. One small module per concern; see docs/architecture.md."""
