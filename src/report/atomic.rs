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

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The marker file every report set contains.
pub const MARKER: &str = ".courier-sim-report";

/// What the marker says to someone who opens it.
const MARKER_TEXT: &str = "This folder holds the reports of one courier-sim run.\n\
The next run into it replaces the whole folder, so keep nothing else here.\n";

/// The environment variable of the fault-injection hook (see the module documentation).
pub const KILL_AT_STEP_ENV: &str = "COURIER_SIM_KILL_AT_STEP";

/// A file that belongs to a report set: its name and the start of its header row.
#[derive(Clone, Debug)]
pub struct KnownFile {
    /// The file name, e.g. `orders.csv`.
    pub name: &'static str,
    /// The header row without its line break (a threaded run may append columns).
    pub header: String,
}

/// A folder that is not replaced, because it might hold someone's files.
#[derive(Debug)]
pub struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

fn refuse(why: impl Into<String>) -> io::Error {
    io::Error::other(Refusal(why.into()))
}

fn not_a_report_folder(why: &str) -> io::Error {
    refuse(format!(
        "not a courier-sim report folder ({why}); a run replaces its report folder as a whole, \
         so choose a new or empty folder"
    ))
}

/// Whether `e` is a [`Refusal`].
pub fn is_refusal(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Refusal>())
}

/// The next filesystem change of the report writer: kills the process first if
/// [`KILL_AT_STEP_ENV`] asks for this step.
fn step(what: &str, path: &Path) {
    static KILL_AT: OnceLock<Option<u64>> = OnceLock::new();
    static STEPS: AtomicU64 = AtomicU64::new(0);
    let kill_at = *KILL_AT.get_or_init(|| {
        std::env::var(KILL_AT_STEP_ENV)
            .ok()
            .and_then(|v| v.trim().parse().ok())
    });
    let Some(kill_at) = kill_at else {
        return;
    };
    let n = STEPS.fetch_add(1, Ordering::SeqCst) + 1;
    if n == kill_at {
        eprintln!(
            "courier-sim: {KILL_AT_STEP_ENV}={n}: killed before {what} {}",
            path.display()
        );
        #[cfg(unix)]
        {
            use rustix::process::{getpid, kill_process, Signal};
            let _ = kill_process(getpid(), Signal::KILL);
        }
        std::process::abort();
    }
}

/// Creates `dir/name` for writing (a step of the fault-injection hook).
pub fn create_file(dir: &Path, name: &str) -> io::Result<File> {
    let path = dir.join(name);
    step("creating", &path);
    File::create_new(&path)
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

fn parent_of(target: &Path) -> &Path {
    target.parent().unwrap_or(Path::new("/"))
}

fn name_of(target: &Path) -> &OsStr {
    target.file_name().unwrap_or(OsStr::new(""))
}

/// `PARENT/.NAME.KIND-` as bytes, the start of the name of a sibling.
fn sibling_prefix(target: &Path, kind: &str) -> OsString {
    let mut prefix = OsString::from(".");
    prefix.push(name_of(target));
    prefix.push(format!(".{kind}-"));
    prefix
}

/// `target` with symbolic links resolved; its parent is created if needed.
fn resolve(target: &Path) -> io::Result<PathBuf> {
    match fs::metadata(target) {
        Ok(meta) if meta.is_dir() => {
            let real = fs::canonicalize(target)?;
            if real.parent().is_none() {
                return Err(refuse("it is the root folder"));
            }
            #[cfg(unix)]
            {
                use std::os::unix::fs::MetadataExt;
                if fs::metadata(parent_of(&real))?.dev() != meta.dev() {
                    return Err(refuse(
                        "it is a mount point, which a run cannot replace; choose a folder inside it",
                    ));
                }
            }
            Ok(real)
        }
        Ok(_) => Err(refuse("it is a file, not a folder")),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if fs::symlink_metadata(target).is_ok() {
                return Err(refuse("it is a symbolic link to nothing"));
            }
            let name = target
                .file_name()
                .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no folder name"))?;
            let parent = match target.parent() {
                Some(p) if !p.as_os_str().is_empty() => p,
                _ => Path::new("."),
            };
            fs::create_dir_all(parent)?;
            Ok(fs::canonicalize(parent)?.join(name))
        }
        Err(e) => Err(e),
    }
}

/// Whether `name` may be part of a report set: the marker, a report, or the temporary file
/// of a report from versions that renamed files one by one (`.orders.csv.partial`).
fn is_known(name: &OsStr, known: &[KnownFile]) -> bool {
    name == MARKER
        || known
            .iter()
            .any(|k| name == k.name || name.to_str() == Some(format!(".{}.partial", k.name).as_str()))
}

/// Refuses a folder that is neither absent, nor empty, nor a report folder.
fn check_replaceable(target: &Path, known: &[KnownFile]) -> io::Result<()> {
    let entries = match fs::read_dir(target) {
        Ok(entries) => entries,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotADirectory => {
            return Err(refuse("it is a file, not a folder"))
        }
        Err(e) => return Err(e),
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        if !is_known(&name, known) {
            return Err(not_a_report_folder(&format!(
                "it holds `{}`, which courier-sim did not write",
                name.to_string_lossy()
            )));
        }
        if !entry.file_type()?.is_file() {
            return Err(not_a_report_folder(&format!(
                "its `{}` is not a plain file",
                name.to_string_lossy()
            )));
        }
        names.push(name);
    }
    if names.iter().any(|n| n == MARKER) {
        return Ok(());
    }
    // A folder from before the marker: each report must start with its own header.
    for k in known {
        if names.iter().any(|n| n == k.name) && !starts_with(&target.join(k.name), k.header.as_bytes())? {
            return Err(not_a_report_folder(&format!(
                "its `{}` does not start with the header courier-sim writes",
                k.name
            )));
        }
    }
    Ok(())
}

fn starts_with(path: &Path, prefix: &[u8]) -> io::Result<bool> {
    let mut head = Vec::with_capacity(prefix.len());
    File::open(path)?
        .take(prefix.len() as u64)
        .read_to_end(&mut head)?;
    Ok(head == prefix)
}

/// Deletes the set in `dir`: the names of the set, the marker last, then the folder if it is
/// empty. Never recurses and never deletes a file the set does not name.
fn remove_set(dir: &Path, known: &[KnownFile]) -> io::Result<()> {
    let present: Vec<OsString> = match fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name())
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    let legacy: Vec<String> = known.iter().map(|k| format!(".{}.partial", k.name)).collect();
    let names = known
        .iter()
        .map(|k| k.name)
        .chain(legacy.iter().map(String::as_str))
        .chain([MARKER]);
    for name in names {
        if present.iter().any(|p| p == name) {
            let path = dir.join(name);
            step("removing", &path);
            ignore_not_found(fs::remove_file(&path))?;
        }
    }
    step("removing the folder", dir);
    ignore_not_found(fs::remove_dir(dir))
}

fn ignore_not_found(result: io::Result<()>) -> io::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        other => other,
    }
}

/// Removes the siblings of `target` that runs which are no longer alive left behind, and puts
/// back an old set that a run killed inside the fallback's window left aside.
fn remove_stale_siblings(target: &Path, known: &[KnownFile]) -> io::Result<()> {
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
fn make_sibling(target: &Path) -> io::Result<(PathBuf, File)> {
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

/// Puts `temp` in the place of `target`; returns where the old set now is, if there was one.
fn swap(
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
fn exchange(a: &Path, b: &Path) -> io::Result<()> {
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
fn is_unsupported(e: &io::Error) -> bool {
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
fn sync_dir(dir: &Path) -> io::Result<()> {
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
mod tests {
    use super::*;

    fn known() -> Vec<KnownFile> {
        vec![
            KnownFile {
                name: "a.csv",
                header: "x,y".to_string(),
            },
            KnownFile {
                name: "b.csv",
                header: "metric,value".to_string(),
            },
        ]
    }

    fn names(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    fn write_set(target: &Path, a: &str) {
        let staged = StagedDir::create(target, known()).unwrap();
        fs::write(staged.path().join("a.csv"), a).unwrap();
        staged.commit().unwrap();
    }

    #[test]
    fn a_new_folder_appears_whole_with_its_marker_and_no_sibling() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("out");
        let staged = StagedDir::create(&target, known()).unwrap();
        fs::write(staged.path().join("a.csv"), "x,y\n1,2\n").unwrap();
        assert!(!target.exists(), "nothing under the final name before commit");
        staged.commit().unwrap();
        assert_eq!(names(&target), [MARKER, "a.csv"]);
        assert_eq!(names(parent.path()), ["out"]);
    }

    #[test]
    fn a_rerun_replaces_the_whole_set_and_leaves_no_sibling() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("out");
        let staged = StagedDir::create(&target, known()).unwrap();
        fs::write(staged.path().join("a.csv"), "x,y\nold\n").unwrap();
        fs::write(staged.path().join("b.csv"), "metric,value\nold\n").unwrap();
        staged.commit().unwrap();
        write_set(&target, "x,y\nnew\n");
        assert_eq!(names(&target), [MARKER, "a.csv"]);
        assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "x,y\nnew\n");
        assert_eq!(names(parent.path()), ["out"]);
    }

    #[test]
    fn the_fallback_without_exchange_also_replaces_the_set() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("out");
        write_set(&target, "x,y\nold\n");
        let staged = StagedDir::create(&target, known()).unwrap();
        fs::write(staged.path().join("a.csv"), "x,y\nnew\n").unwrap();
        staged
            .commit_with(|_, _| Err(io::ErrorKind::Unsupported.into()))
            .unwrap();
        assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "x,y\nnew\n");
        assert_eq!(names(parent.path()), ["out"]);
    }

    #[test]
    fn a_dropped_set_leaves_nothing_and_the_old_set_untouched() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("out");
        write_set(&target, "x,y\nold\n");
        let staged = StagedDir::create(&target, known()).unwrap();
        fs::write(staged.path().join("a.csv"), "x,y\nhalf").unwrap();
        drop(staged);
        assert_eq!(names(parent.path()), ["out"]);
        assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "x,y\nold\n");
    }

    #[test]
    fn an_empty_folder_or_one_from_before_the_marker_is_replaced() {
        let parent = tempfile::tempdir().unwrap();
        let empty = parent.path().join("empty");
        fs::create_dir(&empty).unwrap();
        write_set(&empty, "x,y\n");
        let legacy = parent.path().join("legacy");
        fs::create_dir(&legacy).unwrap();
        fs::write(legacy.join("a.csv"), "x,y\n1,2\n").unwrap();
        fs::write(legacy.join(".b.csv.partial"), "metric,val").unwrap();
        write_set(&legacy, "x,y\n");
        assert_eq!(names(&legacy), [MARKER, "a.csv"]);
        assert_eq!(names(parent.path()), ["empty", "legacy"]);
    }

    #[test]
    fn a_folder_holding_anything_else_is_refused_and_left_alone() {
        let parent = tempfile::tempdir().unwrap();
        let cases: [(&str, &[(&str, &str)]); 3] = [
            ("notes", &[("notes.txt", "mine")]),
            (
                "marked",
                &[(MARKER, ""), ("a.csv", "x,y\n"), ("keep.txt", "mine")],
            ),
            ("own-csv", &[("a.csv", "my,own,columns\n")]),
        ];
        for (folder, files) in cases {
            let target = parent.path().join(folder);
            fs::create_dir(&target).unwrap();
            for (name, text) in files {
                fs::write(target.join(name), text).unwrap();
            }
            let e = StagedDir::create(&target, known()).unwrap_err();
            assert!(is_refusal(&e), "{folder}: {e}");
            assert!(e.to_string().contains("not a courier-sim report folder"), "{e}");
            assert_eq!(names(&target).len(), files.len(), "{folder} was changed");
        }
        let file = parent.path().join("file");
        fs::write(&file, "mine").unwrap();
        assert!(is_refusal(&StagedDir::create(&file, known()).unwrap_err()));
        let sub = parent.path().join("sub");
        fs::create_dir(&sub).unwrap();
        fs::create_dir(sub.join("a.csv")).unwrap();
        assert!(is_refusal(&StagedDir::create(&sub, known()).unwrap_err()));
        assert_eq!(
            names(parent.path()),
            ["file", "marked", "notes", "own-csv", "sub"]
        );
    }

    #[test]
    fn a_file_added_during_the_run_stops_the_swap() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("out");
        write_set(&target, "x,y\nold\n");
        let staged = StagedDir::create(&target, known()).unwrap();
        fs::write(target.join("notes.txt"), "mine").unwrap();
        let e = staged.commit().unwrap_err();
        assert!(is_refusal(&e), "{e}");
        assert_eq!(names(&target), [MARKER, "a.csv", "notes.txt"]);
        assert_eq!(names(parent.path()), ["out"]);
    }

    #[test]
    fn leftovers_of_dead_runs_go_but_those_of_live_runs_and_strangers_stay() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("out");
        write_set(&target, "x,y\nold\n");
        // A dead run's sibling (no lock held) and one without a marker yet.
        let dead = parent.path().join(".out.partial-99999999");
        fs::create_dir(&dead).unwrap();
        fs::write(dead.join(MARKER), "").unwrap();
        fs::write(dead.join("a.csv"), "x,y\nhalf").unwrap();
        let unmarked = parent.path().join(".out.partial-99999998");
        fs::create_dir(&unmarked).unwrap();
        // A live run's sibling: its marker is locked.
        let live = StagedDir::create(&parent.path().join("out"), known()).unwrap();
        // Look-alikes that are not siblings of `out`, and a sibling holding a stranger's file.
        for name in [".out.partial-12x", ".outer.partial-1", ".out.partial-"] {
            fs::create_dir(parent.path().join(name)).unwrap();
        }
        let strange = parent.path().join(".out.partial-99999997");
        fs::create_dir(&strange).unwrap();
        fs::write(strange.join("mine.txt"), "mine").unwrap();
        let other = StagedDir::create(&target, known());
        // The live sibling has this process's id, so a second set of the same folder in the
        // same process cannot start; the dead ones are gone all the same.
        assert!(other.is_err());
        let mut left = names(parent.path());
        left.retain(|n| n != "out");
        let live_name = live.path().file_name().unwrap().to_string_lossy().into_owned();
        let mut expected = vec![
            ".out.partial-",
            ".out.partial-12x",
            ".out.partial-99999997",
            live_name.as_str(),
            ".outer.partial-1",
        ];
        expected.sort();
        assert_eq!(left, expected);
        assert_eq!(names(&strange), ["mine.txt"]);
    }

    #[test]
    fn an_old_set_left_aside_by_a_killed_fallback_is_put_back() {
        let parent = tempfile::tempdir().unwrap();
        let target = parent.path().join("out");
        write_set(&target, "x,y\nold\n");
        fs::rename(&target, parent.path().join(".out.old-99999999")).unwrap();
        let staged = StagedDir::create(&target, known()).unwrap();
        assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "x,y\nold\n");
        drop(staged);
        assert_eq!(names(parent.path()), ["out"]);
    }
}
