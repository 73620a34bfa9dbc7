"""A team on one database: what each agent has seen, their drafts, who is where, what to tell whom.

Agents run their own app against the same store. These modules keep each agent's working state
beside the helpdesk's record (tables of data/store/models.py that no Event records):

* ``seen``: how far each agent has read each ticket; unread tickets, by page and by tab;
* ``drafts``: the composer's text, saved as it is typed, restored after a crash;
* ``presence``: each running app's heartbeat on the ticket it shows;
* ``activity``: what the audit trail's new events mean to an agent (the app's notices);
* ``roster``: the agents a ticket can be assigned to.

Time comes from the desk's clock; nothing here reads the settings.
"""
