"""The regulation: the regulation file, the working calendar, statuses and working-time targets, the Desk context."""
