"""Social Media & AI Camp: what lesson and assignment notebooks import."""

__version__ = "0.1.0"
