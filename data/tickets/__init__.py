"""Ticket operations, the one write path: create, reply, status, assign, links, split and merge, triage, notices, prepared replies."""
