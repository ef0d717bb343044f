"""Warroom: open-source incident response in one pip install."""

__version__ = "0.1.0"
