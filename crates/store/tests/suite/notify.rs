//! The store contract for notify, on every engine.
