"""The coach's dashboard: each module adds its routes to one blueprint."""

# Importing a module registers its routes on `bp`; one module per page.
from . import (  # noqa: F401
    account,
    articles,
    auth,
    auth_views,
    availability,
    bookings,
    feed,
    formatting,
    mail,
    overview,
    privacy,
)
from .blueprint import bp

__all__ = ["bp"]
