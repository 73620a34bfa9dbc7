"""The lowest layer: errors, the clock, plain values and the settings file. Imports nothing of the helpdesk."""
