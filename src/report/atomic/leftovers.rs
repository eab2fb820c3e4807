//! The hidden sibling a run writes into, and the leftovers of runs that were killed: each
//! run removes the siblings of dead runs (their marker's lock is free) before making its own.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use super::guard::remove_set;
use super::{create_file, parent_of, sibling_prefix, step, KnownFile, MARKER, MARKER_TEXT};

/// Removes the siblings of `target` that runs which are no longer alive left behind, and puts
/// back an old set that a run killed inside the fallback's window left aside.
pub(super) fn remove_stale_siblings(target: &Path, known: &[KnownFile]) -> io::Result<()> {
    let partial = sibling_prefix(target, "partial");
    let aside = sibling_prefix(target, "old");
    let mut stale = Vec::new();
    for entry in fs::read_dir(parent_of(target))? {
        let Ok(entry) = entry else { continue };
        let name = entry.file_name();
        let (is_aside, pid) = if let Some(pid) = suffix(&name, &partial) {
            (false, pid)
        } else if let Some(pid) = suffix(&name, &aside) {
            (true, pid)
        } else {
            continue;
        };
        if !entry.file_type().is_ok_and(|t| t.is_dir()) {
            continue;
        }
        // A set put aside belongs to the run whose sibling has the same pid.
        let mut own = OsString::from(&partial);
        own.push(pid);
        if !in_use(&parent_of(target).join(own), pid) {
            stale.push((is_aside, entry.path()));
        }
    }
    // Sets put aside first: one of them is the only copy of the old set if `target` is gone.
    stale.sort_by_key(|(is_aside, _)| !*is_aside);
    for (is_aside, path) in stale {
        if is_aside && fs::symlink_metadata(target).is_err() {
            step("restoring", &path);
            if fs::rename(&path, target).is_ok() {
                continue;
            }
        }
        let _ = remove_set(&path, known);
    }
    Ok(())
}

/// The digits after `prefix` in `name`, if that is all there is.
fn suffix<'a>(name: &'a OsStr, prefix: &OsStr) -> Option<&'a str> {
    let rest = name.to_str()?.strip_prefix(prefix.to_str()?)?;
    (!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())).then_some(rest)
}

/// Whether the run that made the sibling `dir` is still writing it: it holds the lock on the
/// marker. A sibling without a marker is a run killed before it wrote one.
fn in_use(dir: &Path, pid: &str) -> bool {
    let marker = match File::open(dir.join(MARKER)) {
        Ok(file) => file,
        Err(_) => return false,
    };
    match marker.try_lock() {
        Ok(()) => false,
        Err(fs::TryLockError::WouldBlock) => true,
        // No locks on this filesystem: only a process known to be gone is stale.
        Err(fs::TryLockError::Error(_)) => !process_is_gone(pid),
    }
}

fn process_is_gone(pid: &str) -> bool {
    cfg!(target_os = "linux") && Path::new("/proc/self").exists() && !Path::new("/proc").join(pid).exists()
}

/// Creates the sibling of `target` with its marker, locked. A run that removes stale siblings
/// at the same moment may remove it between the two; then it is made again.
pub(super) fn make_sibling(target: &Path) -> io::Result<(PathBuf, File)> {
    let mut name = sibling_prefix(target, "partial");
    name.push(std::process::id().to_string());
    let temp = parent_of(target).join(name);
    let context = |e: io::Error| {
        io::Error::new(
            e.kind(),
            format!("cannot create the folder {}: {e}", temp.display()),
        )
    };
    for _ in 0..3 {
        step("creating the folder", &temp);
        fs::create_dir(&temp).map_err(context)?;
        // From here on the folder is this run's (its name holds this process's id).
        match create_marker(&temp) {
            Ok(Some(marker)) => return Ok((temp, marker)),
            Ok(None) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                let _ = remove_set(&temp, &[]);
                return Err(context(e));
            }
        }
        let _ = remove_set(&temp, &[]);
    }
    Err(context(io::Error::other("another run kept removing it")))
}

/// The locked marker of `dir`, or `None` if `dir` was removed meanwhile.
fn create_marker(dir: &Path) -> io::Result<Option<File>> {
    let mut marker = create_file(dir, MARKER)?;
    match marker.try_lock() {
        Ok(()) | Err(fs::TryLockError::Error(_)) => {}
        Err(fs::TryLockError::WouldBlock) => return Ok(None),
    }
    marker.write_all(MARKER_TEXT.as_bytes())?;
    Ok(same_file(&marker, &dir.join(MARKER)).then_some(marker))
}

#[cfg(unix)]
fn same_file(file: &File, path: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (file.metadata(), fs::metadata(path)) {
        (Ok(a), Ok(b)) => (a.dev(), a.ino()) == (b.dev(), b.ino()),
        _ => false,
    }
}

#[cfg(not(unix))]
fn same_file(_file: &File, path: &Path) -> bool {
    path.exists()
}
