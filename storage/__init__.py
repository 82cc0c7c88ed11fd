"""Storage adapters: SQLAlchemy tables, imperative mapping, repositories, unit of work."""
