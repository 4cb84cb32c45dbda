"""The messaging core of docs/messaging.md: topology, outbox and relay, inbox and consumer runner."""
