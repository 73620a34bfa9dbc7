"""Reading MIME as real mail writes it: charsets, encoded headers, parts and attachments, HTML as text.

Used by the mail intake (channels/mail) and by the quarantine's list, which shows the From and
Subject of mail that could not be stored.
"""
