//! The report set written whole or not at all (SPEC §6): at every instant the report folder
//! holds the complete set of an earlier run or the complete set of this one, never a mix,
//! even if the run is killed.
//!
//! # How
//!
//! A run writes its reports into a hidden sibling of the report folder, `PARENT/.NAME.partial-PID`
//! (the same parent, so the same filesystem, and the process id so that two runs do not
//! collide). When every file is written, each file and then the folder are synced, and the
//! sibling takes the report folder's place in one step:
//!
//! - if the report folder does not exist, by renaming the sibling to it (atomic);
//! - if it exists, by exchanging the two folders with `renameat2(RENAME_EXCHANGE)` on Linux
//!   (`renamex_np(RENAME_SWAP)` on Apple systems), atomic too. The old set is then under the
//!   sibling's name, and is deleted.
//!
//! Replacing the folder rather than its files one by one is what makes the set atomic: a
//! rename per file leaves a mix when the run dies between two renames, and a stale optional
//! report (an `events.csv` this run does not write) has to be deleted in yet another step.
//! (A symbolic link flipped between two versioned folders would be atomic and portable too,
//! but it turns the user's folder into a link, and a folder that already exists cannot become
//! one in a single step.) The sibling has to be in the parent, so the parent must be writable
//! (before, only the folder itself had to be).
//!
//! Where the exchange is not available (another system, or a filesystem that refuses the
//! flag), a fallback renames the old folder away to `PARENT/.NAME.old-PID`, renames the new
//! one in, and deletes the old one. This fallback has a short window with no report folder at
//! all; a run killed inside it leaves the old set under `.NAME.old-PID`, and the next run puts
//! it back before it starts.
//!
//! # Whose files
//!
//! Replacing a folder deletes what it held, and `--out` may name any folder, even `.` or a home
//! folder. So a folder is replaced only if it is absent, empty, or recognisably a report folder:
//! it holds nothing but report files and the marker [`MARKER`] that every set written here
//! contains. A folder written before the marker existed is recognised by its files alone: only
//! report names, each CSV starting with its own header. Anything else is refused before the
//! run starts (and checked again right before the swap) with a [`Refusal`]. Refused too: the
//! current folder (the process, like a shell standing in it, would be left in the deleted old
//! folder) and mount points (which cannot be renamed). Deleting never recurses: only the names
//! of the set are removed, then the folder if it is empty. A symbolic link to a folder is
//! followed: the folder it points to is replaced and the link kept.
//!
//! # Leftovers
//!
//! A failed run (an error) removes its own sibling. A killed run cannot, so each run first
//! removes the siblings of its report folder left by dead runs. A live run holds an exclusive
//! lock (`flock`) on the marker of its sibling for as long as it writes; the kernel drops the
//! lock when the process dies, however it dies. A lock rather than a process id: a pid can be
//! reused (a container restarted with the same pid 1 would otherwise keep its own leftovers
//! forever), and a run in another pid namespace sharing the folder has an id that means
//! nothing here. Where the filesystem has no locks, a sibling is left alone unless (on Linux)
//! `/proc` shows its process is gone.
//!
//! # Fault injection
//!
//! With `COURIER_SIM_KILL_AT_STEP=N` in the environment, the process kills itself with
//! `SIGKILL` (elsewhere `abort`) right before the Nth filesystem change the report writer
//! makes (create a folder or a file, rename, exchange, unlink, remove a folder), counted from
//! the start of the process. No destructor runs, as with a real kill; tests use it to kill a
//! run at every step. SIGKILL rather than `abort`, because it is exactly a kill (what
//! `strace -e inject=…:signal=SIGKILL` does) and leaves no core dump.

mod fault;
mod guard;
mod leftovers;

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io;
use std::path::{Path, PathBuf};

use fault::step;
pub use fault::{create_file, KILL_AT_STEP_ENV};
use guard::{check_replaceable, refuse, remove_set, resolve};
pub use guard::{is_refusal, Refusal};
use leftovers::{make_sibling, remove_stale_siblings};

/// The marker file every report set contains.
pub const MARKER: &str = ".courier-sim-report";

/// What the marker says to someone who opens it.
pub(super) const MARKER_TEXT: &str = "This folder holds the reports of one courier-sim run.\n\
The next run into it replaces the whole folder, so keep nothing else here.\n";

/// A file that belongs to a report set: its name and the start of its header row. A name
/// may be listed more than once, with each header it can have (`orders.csv` has one per
/// profile); a file is recognised by any of them.
#[derive(Clone, Debug)]
pub struct KnownFile {
    /// The file name, e.g. `orders.csv`.
    pub name: &'static str,
    /// The header row without its line break, or its start (a threaded run may append
    /// columns, a food run's `driver_rankings.csv` has two more).
    pub header: String,
}

/// A report set being written in a hidden sibling of its folder; see the module documentation.
/// Dropped without [`StagedDir::commit`], it removes the sibling and leaves the folder alone.
#[derive(Debug)]
pub struct StagedDir {
    /// The report folder, symbolic links resolved.
    target: PathBuf,
    /// The sibling being written.
    temp: PathBuf,
    known: Vec<KnownFile>,
    /// The marker of the sibling, open and locked while the set is written.
    marker: Option<File>,
    /// Set once the sibling is gone (renamed in, or the old set under its name deleted).
    done: bool,
}

impl StagedDir {
    /// Checks that `target` may be replaced, removes leftovers of dead runs beside it, and
    /// creates the sibling to write into. The parent of `target` is created if needed;
    /// `target` itself appears only on [`StagedDir::commit`].
    pub fn create(target: &Path, known: Vec<KnownFile>) -> io::Result<StagedDir> {
        let target = resolve(target)?;
        check_replaceable(&target, &known)?;
        if std::env::current_dir()
            .and_then(fs::canonicalize)
            .is_ok_and(|cwd| cwd == target)
        {
            return Err(refuse(
                "it is the current folder, which a run would replace as a whole; \
                 run from another folder or choose another folder",
            ));
        }
        remove_stale_siblings(&target, &known)?;
        let (temp, marker) = make_sibling(&target)?;
        Ok(StagedDir {
            target,
            temp,
            known,
            marker: Some(marker),
            done: false,
        })
    }

    /// The folder to write the set into.
    pub fn path(&self) -> &Path {
        &self.temp
    }

    /// Puts the finished set in place in one step and deletes the set it replaces. Every file
    /// of the set must be flushed and synced already.
    pub fn commit(self) -> io::Result<()> {
        self.commit_with(exchange)
    }

    fn commit_with(mut self, exchange: fn(&Path, &Path) -> io::Result<()>) -> io::Result<()> {
        if let Some(marker) = &self.marker {
            marker.sync_all()?;
        }
        sync_dir(&self.temp)?;
        // The folder may have changed while the run was writing.
        check_replaceable(&self.target, &self.known)?;
        let old = swap(&self.temp, &self.target, exchange)?;
        self.marker = None;
        if old.is_none() {
            self.done = true;
        }
        sync_dir(parent_of(&self.target))?;
        if let Some(old) = old {
            let result = remove_set(&old, &self.known);
            self.done = true;
            result.map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!(
                        "the reports are in place, but the previous ones stay in {}: {e}",
                        old.display()
                    ),
                )
            })?;
        }
        Ok(())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.done {
            self.marker = None;
            // Best effort: an unfinished set must not linger, but cleanup cannot fail the run.
            let _ = remove_set(&self.temp, &self.known);
        }
    }
}

pub(super) fn parent_of(target: &Path) -> &Path {
    target.parent().unwrap_or(Path::new("/"))
}

pub(super) fn name_of(target: &Path) -> &OsStr {
    target.file_name().unwrap_or(OsStr::new(""))
}

/// `PARENT/.NAME.KIND-` as bytes, the start of the name of a sibling.
pub(super) fn sibling_prefix(target: &Path, kind: &str) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(name_of(target));
    prefix.push(format!(".{kind}-"));
    prefix
}

/// Puts `temp` in the place of `target`; returns where the old set now is, if there was one.
pub(super) fn swap(
    temp: &Path,
    target: &Path,
    exchange: fn(&Path, &Path) -> io::Result<()>,
) -> io::Result<Option<PathBuf>> {
    if fs::symlink_metadata(target).is_err() {
        // Nothing to replace: a plain rename is atomic. (Should an empty folder have appeared
        // meanwhile, the rename replaces it; a full one makes it fail.)
        step("renaming", temp);
        fs::rename(temp, target)?;
        return Ok(None);
    }
    match exchange(temp, target) {
        Ok(()) => return Ok(Some(temp.to_path_buf())),
        Err(e) if !is_unsupported(&e) => return Err(e),
        Err(_) => {}
    }
    // The fallback: the old folder goes aside, then the new one comes in. Between the two
    // renames there is no report folder.
    let mut name = sibling_prefix(target, "old");
    name.push(std::process::id().to_string());
    let aside = parent_of(target).join(name);
    step("renaming", target);
    fs::rename(target, &aside)?;
    step("renaming", temp);
    if let Err(e) = fs::rename(temp, target) {
        step("restoring", &aside);
        let _ = fs::rename(&aside, target);
        return Err(e);
    }
    Ok(Some(aside))
}

/// Exchanges two folders atomically, where the system can.
pub(super) fn exchange(a: &Path, b: &Path) -> io::Result<()> {
    #[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
    {
        use rustix::fs::{renameat_with, RenameFlags, CWD};
        step("exchanging", b);
        renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).map_err(io::Error::from)
    }
    #[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
    {
        let _ = (a, b);
        Err(io::ErrorKind::Unsupported.into())
    }
}

/// Whether the exchange failed because the system or the filesystem lacks it.
pub(super) fn is_unsupported(e: &io::Error) -> bool {
    if e.kind() == io::ErrorKind::Unsupported {
        return true;
    }
    #[cfg(unix)]
    {
        use rustix::io::Errno;
        let unsupported = [Errno::INVAL, Errno::NOSYS, Errno::NOTSUP, Errno::OPNOTSUPP];
        e.raw_os_error()
            .is_some_and(|code| unsupported.iter().any(|u| u.raw_os_error() == code))
    }
    #[cfg(not(unix))]
    false
}

/// Makes the entries of `dir` durable (a no-op where folders cannot be opened).
pub(super) fn sync_dir(dir: &Path) -> io::Result<()> {
    #[cfg(unix)]
    {
        File::open(dir)?.sync_all()
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        Ok(())
    }
}

#[cfg(test)]
mod tests;
