"""LKA readings service: meters and meter readings."""
