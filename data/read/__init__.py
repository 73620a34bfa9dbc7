"""Read models: queue pages, thread views, customer search, reports, stored attachments."""
