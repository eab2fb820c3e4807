//! The `courier-sim` command line: parses arguments, calls the library, and maps results
//! to exit codes in one place: 0 success, 1 a check failed, 2 bad usage or bad input.

use std::io::{BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// A deterministic discrete-event simulator of delivery platforms.
#[derive(Parser)]
#[command(name = "courier-sim", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Run a .script file on the virtual clock and print its transcript.
    Script {
        /// The script to run.
        file: PathBuf,
        /// Enforce `expect` lines: exit 1 if any fails.
        #[arg(long)]
        check: bool,
    },
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return if e.use_stderr() {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            };
        }
    };
    match cli.command {
        Cmd::Script { file, check } => script(&file, check),
    }
}

fn script(file: &std::path::Path, check: bool) -> ExitCode {
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
                println!("{} passed, {failed} failed", summary.expectations - failed);
            }
            if summary.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            }
        }
        Err(e @ courier_sim::script::ScriptError::Line { .. }) => {
            eprintln!("{e}");
            ExitCode::from(2)
        }
        Err(e) => {
            eprintln!("courier-sim: {e}");
            ExitCode::from(2)
        }
    }
}
