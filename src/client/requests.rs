//! Requests through the API.
