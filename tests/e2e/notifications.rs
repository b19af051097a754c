//! Notifications over HTTP, on SQLite and PostgreSQL.
