//! Directory over HTTP, on SQLite and PostgreSQL.
