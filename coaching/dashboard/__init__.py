"""The coach's dashboard: each module adds its routes to one blueprint."""

from . import articles, auth, privacy, views  # noqa: F401 - importing registers loader and routes
from .blueprint import bp

__all__ = ["bp"]
