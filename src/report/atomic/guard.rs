//! Whose files a run may replace: a report folder is replaced only when it is absent, empty,
//! or recognisably courier-sim's (see the parent module), and deleting never recurses.

use std::ffi::{OsStr, OsString};
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use super::{parent_of, step, KnownFile, MARKER};

/// A folder that is not replaced, because it might hold someone's files.
#[derive(Debug)]
pub struct Refusal(String);

impl std::fmt::Display for Refusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Refusal {}

pub(super) fn refuse(why: impl Into<String>) -> io::Error {
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

/// `target` with symbolic links resolved; its parent is created if needed.
pub(super) fn resolve(target: &Path) -> io::Result<PathBuf> {
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
pub(super) fn check_replaceable(target: &Path, known: &[KnownFile]) -> io::Result<()> {
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
    // A folder from before the marker: each report must start with one of its headers (a
    // name may have one per profile).
    for k in known {
        if !names.iter().any(|n| n == k.name) {
            continue;
        }
        let mut matched = false;
        for header in known.iter().filter(|h| h.name == k.name) {
            matched = matched || starts_with(&target.join(k.name), header.header.as_bytes())?;
        }
        if !matched {
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
pub(super) fn remove_set(dir: &Path, known: &[KnownFile]) -> io::Result<()> {
    let present: Vec<OsString> = match fs::read_dir(dir) {
        Ok(entries) => entries
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
            .map(|e| e.file_name())
            .collect(),
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    // A name listed with several headers is removed once.
    let mut reports: Vec<&str> = Vec::new();
    for k in known {
        if !reports.contains(&k.name) {
            reports.push(k.name);
        }
    }
    let legacy: Vec<String> = reports.iter().map(|name| format!(".{name}.partial")).collect();
    let names = reports
        .iter()
        .copied()
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
