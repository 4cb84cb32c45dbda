"""The messaging core of MESSAGING.md: topology, outbox and relay, inbox and consumer runner."""
