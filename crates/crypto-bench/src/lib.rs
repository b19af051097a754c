//! Empty on purpose. This package exists only for its bench,
//! `benches/compare.rs`, which measures Passerelle's seal and open against
//! the `age` crate's encrypt and decrypt in one criterion run
//! (`cargo bench -p passerelle-crypto-bench`). Keeping `age` a dev-dependency
//! of a package with no tests means the workspace's test command never
//! compiles it.
