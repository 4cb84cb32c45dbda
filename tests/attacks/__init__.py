"""Attack tests: the business rules an outside attacker goes after, on a real stack."""
