//! Visit requests: what a relative asks for, and the flow a worker takes it
//! through (DESIGN section 5).
