//! `courier-sim script`: a `.script` file on the virtual clock, its transcript on stdout,
//! and (with `--check`) its expectations enforced.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use super::script_error;

/// Runs a script, its transcript on stdout (with `check`, then a count of its
/// expectations); exit 1 when an expectation failed, 2 when the script could not run.
pub(crate) fn script(file: &std::path::Path, check: bool) -> ExitCode {
    if let Err(code) = super::refuse_wrong_kind(file, "script") {
        return code;
    }
    let stdout = std::io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let result = courier_sim::script::run_file(file, check, &mut out);
    // The transcript is the product: losing its end is an error, as losing its middle is.
    let flushed = out.flush();
    drop(out);
    let result = result.and_then(|summary| {
        flushed
            .map(|()| summary)
            .map_err(courier_sim::script::ScriptError::Write)
    });
    match result {
        Ok(summary) => {
            let name = file.display();
            for failure in &summary.failures {
                super::say_err!("{name}:{}: expectation failed: {}", failure.line, failure.message);
            }
            if check {
                let failed = summary.failures.len();
                let count = format!("{} passed, {failed} failed\n", summary.expectations - failed);
                if let Err(code) = super::print_out(&count) {
                    return code;
                }
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
