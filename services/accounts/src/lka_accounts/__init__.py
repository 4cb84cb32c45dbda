"""LKA accounts service: personal accounts, link requests, billing registry."""
