"""Pure domain logic: no Flask, no SQLAlchemy, no I/O. Fully typed."""
