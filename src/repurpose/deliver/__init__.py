"""Senders: one small protocol (send(item) -> Receipt), one library per module.

Heavy libraries (smtplib, tweepy, requests) are imported only by the module that needs them, and
those modules are imported only when a channel actually uses them (see base.Registry)."""
