//! The store contract for directory, on every engine.
