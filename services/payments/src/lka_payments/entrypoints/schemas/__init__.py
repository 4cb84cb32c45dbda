"""Request and response bodies of the payments API (docs/contract.md §2 "payments", §4), a module
per part of it: `payments` (a payment, an account's history, and the amount, status and card
parts the others share), `cards`, `baskets`, `autopay`, `operator` (refunds, lookup, a payment's
story), `reconciliations`, and `days` (a calendar day as the staff's calls take it)."""
