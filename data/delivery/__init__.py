"""The outbox: replies and notices on their way out (enqueue, claim, confirm). Reads no settings."""
