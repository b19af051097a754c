//! Practical requests: categories, urgencies, the handling flow and how a
//! request is resolved (DESIGN section 5).
