"""The helpdesk's store and domain: models, calendar, ticket operations, mail.

Nothing in this package imports Textual: the CLI and the TUI both call it.
"""
