//! Directory through the API.
