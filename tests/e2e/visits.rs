//! Visits over HTTP, on SQLite and PostgreSQL.
