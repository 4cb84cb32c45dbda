"""The abuse suite (issue 11): a package, so its stack is stopped when its last test ends."""
