"""Billing simulator of the LKA: demo accounts and meters published as billing would, and
billing's answers (readings processed, payments registered, new balances) for those accounts."""
