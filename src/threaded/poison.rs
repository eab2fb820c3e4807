//! Taking a lock whatever a panicking thread left behind, the one way the kernel, the timed
//! queue and the progress counter lock. Compiled twice like them (see `tests/model/`), so
//! it reaches its mutex through `super::sync`.

use super::sync::atomic::{AtomicU64, Ordering};
use super::sync::{Mutex, MutexGuard};
use std::sync::TryLockError;

/// Locks `m`, even if a thread panicked while holding it.
pub(super) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A poisoned lock means another thread panicked mid-command; the checker will see the
    // damage, so carry on with the data rather than cascade the panic.
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Locks `m` like [`lock`], counting in `contended` a lock found held by another thread.
/// A failed `try_lock` first costs no more than the lock itself.
pub(super) fn lock_counting<'a, T>(m: &'a Mutex<T>, contended: &AtomicU64) -> MutexGuard<'a, T> {
    match m.try_lock() {
        Ok(guard) => guard,
        Err(TryLockError::Poisoned(poisoned)) => poisoned.into_inner(),
        Err(TryLockError::WouldBlock) => {
            contended.fetch_add(1, Ordering::Relaxed);
            lock(m)
        }
    }
}
