"""The system fault drills: one private stack for the package (conftest.py), a drill a module."""
