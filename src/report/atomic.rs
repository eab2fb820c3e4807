//! Report files written whole or not at all: each is written under a temporary name in the
//! target folder and renamed into place only when every report of the run is complete. A
//! run that fails or is killed leaves no half-written file under a final name.

use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// A file being written under a temporary name, renamed on [`PendingFile::commit`] and
/// removed if dropped uncommitted.
pub struct PendingFile {
    temp: PathBuf,
    target: PathBuf,
    writer: Option<BufWriter<File>>,
}

impl PendingFile {
    /// Starts writing `dir/name` (as `dir/.name.partial`).
    pub fn create(dir: &Path, name: &str) -> io::Result<PendingFile> {
        let temp = dir.join(format!(".{name}.partial"));
        let file = File::create(&temp)?;
        Ok(PendingFile {
            temp,
            target: dir.join(name),
            writer: Some(BufWriter::with_capacity(1 << 16, file)),
        })
    }

    /// The writer.
    pub fn writer(&mut self) -> &mut BufWriter<File> {
        self.writer
            .as_mut()
            .unwrap_or_else(|| unreachable!("the writer lives until commit"))
    }

    /// Flushes and syncs the data, ready to rename.
    pub fn finish(&mut self) -> io::Result<()> {
        if let Some(mut writer) = self.writer.take() {
            writer.flush()?;
            writer.get_ref().sync_all()?;
        }
        Ok(())
    }

    /// Moves the finished file to its final name.
    pub fn commit(mut self) -> io::Result<()> {
        self.finish()?;
        std::fs::rename(&self.temp, &self.target)?;
        self.temp = PathBuf::new();
        Ok(())
    }
}

impl Drop for PendingFile {
    fn drop(&mut self) {
        if !self.temp.as_os_str().is_empty() {
            // Best effort: an uncommitted report must not linger, but cleanup cannot fail the run.
            let _ = std::fs::remove_file(&self.temp);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nothing_appears_under_the_final_name_until_commit() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = PendingFile::create(dir.path(), "a.csv").unwrap();
        writeln!(f.writer(), "x").unwrap();
        assert!(!dir.path().join("a.csv").exists());
        f.commit().unwrap();
        assert_eq!(std::fs::read_to_string(dir.path().join("a.csv")).unwrap(), "x\n");
        assert!(!dir.path().join(".a.csv.partial").exists());
    }

    #[test]
    fn a_dropped_file_leaves_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let mut f = PendingFile::create(dir.path(), "b.csv").unwrap();
        writeln!(f.writer(), "half").unwrap();
        drop(f);
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
