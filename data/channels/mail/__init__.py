"""E-mail in and out: parse.py (reading one message, with charsets.py, headers.py and parts.py),
ingest.py (storing it: threading, dedup, quarantine; files, mbox, Maildir), imap.py (an IMAP
folder), outbound.py (replies by SMTP).
"""
