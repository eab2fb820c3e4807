//! The script shell (SPEC §4): `.script` files of commands and `expect` lines, run on the
//! virtual clock as readable, reproducible regression tests of the dispatch rules.

pub mod expect;
pub mod host;
pub mod lexer;
pub mod lookup;
pub mod parse;
pub mod run;
pub mod view;

use std::fmt;
use std::io::Write;
use std::path::Path;

pub use run::{Failure, Interpreter, RunSummary};

/// Why a script could not be run to its end.
#[derive(Debug)]
#[non_exhaustive]
pub enum ScriptError {
    /// The file could not be read.
    Read {
        /// The path as given.
        file: String,
        /// What the system said.
        source: std::io::Error,
    },
    /// A malformed line, or one that cannot run where it stands (`at` in the past,
    /// `catalog` after the first order).
    Line {
        /// The path as given.
        file: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        message: String,
    },
    /// The transcript could not be written.
    Write(std::io::Error),
    /// A bug in courier-sim itself.
    Internal(String),
}

impl fmt::Display for ScriptError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ScriptError::Read { file, source } => write!(f, "{file}: cannot read the script: {source}"),
            ScriptError::Line { file, line, message } => write!(f, "{file}:{line}: {message}"),
            ScriptError::Write(source) => write!(f, "cannot write the transcript: {source}"),
            ScriptError::Internal(message) => write!(f, "internal error (please report): {message}"),
        }
    }
}

impl std::error::Error for ScriptError {}

/// Parses and runs script text; `file` names it in messages.
pub fn run_text(
    file: &str,
    text: &str,
    enforce: bool,
    out: &mut dyn Write,
) -> Result<RunSummary, ScriptError> {
    let lines = parse::parse_script(text).map_err(|e| ScriptError::Line {
        file: file.to_string(),
        line: e.line,
        message: e.message,
    })?;
    Interpreter::new(file, enforce, out).run(&lines)
}

/// Reads and parses a script file; returns its name for messages and its lines.
pub fn load(path: &Path) -> Result<(String, Vec<parse::Line>), ScriptError> {
    let file = path.display().to_string();
    let text = crate::input::read_text(path, crate::input::MAX_SCRIPT_BYTES).map_err(|source| {
        ScriptError::Read {
            file: file.clone(),
            source,
        }
    })?;
    let lines = parse::parse_script(&text).map_err(|e| ScriptError::Line {
        file: file.clone(),
        line: e.line,
        message: e.message,
    })?;
    Ok((file, lines))
}

/// Reads, parses and runs a script file.
pub fn run_file(path: &Path, enforce: bool, out: &mut dyn Write) -> Result<RunSummary, ScriptError> {
    let (file, lines) = load(path)?;
    Interpreter::new(&file, enforce, out).run(&lines)
}
