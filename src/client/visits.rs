//! Visits through the API.
