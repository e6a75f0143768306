"""Reusable widgets of the voicesgroup interface."""
