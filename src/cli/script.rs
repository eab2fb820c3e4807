//! `courier-sim script`: a `.script` file on the virtual clock, its transcript on stdout,
//! and (with `--check`) its expectations enforced.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use super::script_error;

/// Runs a script, its transcript on stdout (with `check`, then a count of its
/// expectations); exit 1 when an expectation failed, 2 when the script could not run.
pub(crate) fn script(file: &std::path::Path, check: bool) -> ExitCode {
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = courier_sim::script::run_file(file, check, &mut out);
    let _ = out.flush();
    drop(out);
    match result {
        Ok(summary) => {
            let name = file.display();
            for failure in &summary.failures {
                eprintln!("{name}:{}: expectation failed: {}", failure.line, failure.message);
            }
            if check {
                let failed = summary.failures.len();
                let _ = writeln!(
                    std::io::stdout(),
                    "{} passed, {failed} failed",
                    summary.expectations - failed
                );
            }
            if summary.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e) => script_error(&e),
    }
}
