//! Taking a lock whatever a panicking thread left behind, the one way the kernel, the timed
//! queue and the progress counter lock. Compiled twice like them (see `tests/model.rs`), so
//! it reaches its mutex through `super::sync`.

use super::sync::{Mutex, MutexGuard};

/// Locks `m`, even if a thread panicked while holding it.
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A poisoned lock means another thread panicked mid-command; the checker will see the
    // damage, so carry on with the data rather than cascade the panic.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}
