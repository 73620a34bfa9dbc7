"""Where requests come from and replies go: mail (in and out), the portal, Telegram, and the quarantine."""
