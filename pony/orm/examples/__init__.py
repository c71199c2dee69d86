"""Runnable examples: ``python -m pony.orm.examples.<name>``."""
