"""everyweek: make every week Customer Service Week."""

__version__ = "0.1.0"
