//! Access facts kept in memory between requests.
//!
//! Every request reads the access generation with its session, in the same
//! query (`Store::session`). The database moves the generation, by
//! triggers in the changing transaction, whenever a case, its parties, a
//! consent record, a restriction or a device key changes, whichever
//! instance or process makes the change. Facts read after a request read
//! generation `g` are at least as new as `g`, so they may answer any later
//! request that reads the same `g`; a request that reads a newer one finds
//! nothing kept and reads the database again. A revocation therefore takes
//! effect with the first request that starts after it is committed, as it
//! does without this cache.
//!
//! A request reads its generation once, when it authenticates: a handler
//! that changes these facts must not consult the cache after its change
//! (every handler asks the gate before it writes).

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::{Arc, Mutex, PoisonError};

use passerelle_domain::CaseId;
use passerelle_store::KeyRecord;

use crate::access::CaseAccess;

/// What the server keeps: each case's facts, and its parties' current keys.
#[derive(Debug, Default)]
pub struct Facts {
    /// `CaseAccess::load_for`.
    pub access: GenerationCache<CaseId, CaseAccess>,
    /// The current keys of a case's parties (`sealed::check`).
    pub keys: GenerationCache<CaseId, Vec<KeyRecord>>,
}

/// At most this many entries are kept; past it the cache starts afresh.
/// A case's facts take a few kilobytes.
const CAPACITY: usize = 1024;

/// Values kept for one access generation at a time.
#[derive(Debug)]
pub struct GenerationCache<K, V> {
    inner: Mutex<Kept<K, V>>,
}

#[derive(Debug)]
struct Kept<K, V> {
    generation: i64,
    entries: HashMap<K, Arc<V>>,
}

impl<K: Eq + Hash, V> Default for GenerationCache<K, V> {
    fn default() -> Self {
        Self {
            inner: Mutex::new(Kept {
                generation: i64::MIN,
                entries: HashMap::new(),
            }),
        }
    }
}

impl<K: Eq + Hash, V> GenerationCache<K, V> {
    /// The value kept for `key` at `generation`. Seeing a newer generation
    /// than the one kept drops everything kept.
    pub fn get(&self, generation: i64, key: &K) -> Option<Arc<V>> {
        let mut kept = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if generation > kept.generation {
            kept.generation = generation;
            kept.entries.clear();
            return None;
        }
        if generation < kept.generation {
            // This request started before a change another one has seen.
            return None;
        }
        kept.entries.get(key).cloned()
    }

    /// Keeps `value`, read after `generation` was, unless a newer
    /// generation has been seen meanwhile.
    pub fn put(&self, generation: i64, key: K, value: Arc<V>) {
        let mut kept = self.inner.lock().unwrap_or_else(PoisonError::into_inner);
        if generation > kept.generation {
            kept.generation = generation;
            kept.entries.clear();
        }
        if generation < kept.generation {
            return;
        }
        if kept.entries.len() >= CAPACITY {
            kept.entries.clear();
        }
        kept.entries.insert(key, value);
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]

    use super::*;

    #[test]
    fn a_value_answers_only_its_own_generation() {
        let cache = GenerationCache::<u32, &str>::default();
        assert!(cache.get(5, &1).is_none());
        cache.put(5, 1, Arc::new("consent granted"));
        assert_eq!(cache.get(5, &1).as_deref(), Some(&"consent granted"));
        // A newer generation: what was kept is gone, for good.
        assert!(cache.get(6, &1).is_none());
        assert!(cache.get(5, &1).is_none());
        assert!(cache.get(6, &1).is_none());
    }

    #[test]
    fn a_request_from_before_a_change_neither_reads_nor_keeps() {
        let cache = GenerationCache::<u32, &str>::default();
        cache.put(7, 1, Arc::new("revoked"));
        // Read by a request that authenticated before the revocation.
        cache.put(6, 2, Arc::new("granted"));
        assert!(cache.get(6, &1).is_none());
        assert!(cache.get(7, &2).is_none());
        assert_eq!(cache.get(7, &1).as_deref(), Some(&"revoked"));
    }

    #[test]
    fn a_value_read_under_an_older_generation_is_dropped_by_a_newer_put() {
        let cache = GenerationCache::<u32, &str>::default();
        cache.put(3, 1, Arc::new("old"));
        cache.put(4, 2, Arc::new("new"));
        assert!(cache.get(4, &1).is_none());
        assert_eq!(cache.get(4, &2).as_deref(), Some(&"new"));
    }

    #[test]
    fn it_starts_afresh_past_its_capacity() {
        let cache = GenerationCache::<usize, usize>::default();
        for key in 0..CAPACITY {
            cache.put(1, key, Arc::new(key));
        }
        assert_eq!(cache.get(1, &0).as_deref(), Some(&0));
        cache.put(1, CAPACITY, Arc::new(CAPACITY));
        assert!(cache.get(1, &0).is_none());
        assert_eq!(cache.get(1, &CAPACITY).as_deref(), Some(&CAPACITY));
    }
}
