//! Requests over HTTP, on SQLite and PostgreSQL.
