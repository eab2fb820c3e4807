//! Reading a user's file: whole, as UTF-8, and no larger than a limit, so that a wrong path
//! (`/dev/zero`, a video) is a clear error instead of memory that grows until the machine
//! gives out. A leading byte-order mark, which some editors write, is dropped.

use std::io::{self, Read};
use std::path::Path;

/// The largest scenario file read: far above any real one (10,000 items and profile steps
/// take well under a megabyte).
pub const MAX_SCENARIO_BYTES: u64 = 16 << 20;

/// The largest script read: millions of lines.
pub const MAX_SCRIPT_BYTES: u64 = 256 << 20;

/// Reads `path` as UTF-8 text of at most `limit` bytes.
pub fn read_text(path: &Path, limit: u64) -> io::Result<String> {
    let file = std::fs::File::open(path)?;
    if file.metadata()?.is_dir() {
        return Err(io::Error::new(
            io::ErrorKind::IsADirectory,
            "it is a folder, not a file",
        ));
    }
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("it is larger than the limit of {} MiB", limit >> 20),
        ));
    }
    let text = String::from_utf8(bytes)
        .map_err(|e| io::Error::new(io::ErrorKind::InvalidData, format!("it is not UTF-8 text ({e})")))?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endless_or_large_files_stop_at_the_limit() {
        // Regression (review): `check /dev/zero` grew to gigabytes before anything failed.
        let e = read_text(Path::new("/dev/zero"), 1 << 20).unwrap_err();
        assert!(e.to_string().contains("larger than the limit of 1 MiB"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let e = read_text(dir.path(), 1 << 20).unwrap_err();
        assert!(e.to_string().contains("folder"), "{e}");
    }

    #[test]
    fn a_byte_order_mark_is_dropped() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bom.script");
        std::fs::write(&path, "\u{feff}items\n").unwrap();
        assert_eq!(read_text(&path, 100).unwrap(), "items\n");
        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        assert!(read_text(&path, 100)
            .unwrap_err()
            .to_string()
            .contains("not UTF-8"));
    }
}
