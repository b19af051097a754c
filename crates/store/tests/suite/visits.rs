//! The store contract for visits, on every engine.
