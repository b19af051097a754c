//! The store contract for requests, on every engine.
