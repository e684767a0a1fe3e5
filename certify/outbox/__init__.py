"""Outgoing mail: written to a table in the sender's transaction, delivered after commit."""
