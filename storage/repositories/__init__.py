"""SQLAlchemy repositories implementing the domain's ports."""
