"""Commands between our own services on `lka.commands` (never on `lka.events`).

A command is imperative, has exactly one handler, and may carry what an integration event
must not: an e-mail address, a link with a secret token. Those marked `sensitive` are
blanked in the sender's outbox as soon as the broker confirms them (docs/messaging.md §8).
"""
