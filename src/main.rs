//! The `courier-sim` command line: parses arguments and hands each command to its module
//! in `cli/`, which calls the library, prints, and maps results to exit codes: 0 success,
//! 1 a check failed, 2 bad usage or bad input.

mod cli;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use courier_sim::threaded::scale::TimeScale;

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
    /// Run a seeded load scenario (.toml) on the virtual clock and write CSV reports.
    Run {
        /// The scenario file.
        scenario: PathBuf,
        /// Seed of every random stream (default: the scenario's `seed`).
        #[arg(long)]
        seed: Option<u64>,
        /// Folder for the reports (default: reports/<name>/).
        #[arg(long)]
        out: Option<PathBuf>,
        /// Print nothing but errors.
        #[arg(long)]
        quiet: bool,
    },
    /// Validate a scenario (.toml) without running it: expected orders, offered load, warnings.
    Check {
        /// The scenario file.
        scenario: PathBuf,
    },
    /// Run a scenario (.toml) or a script (.script) on real threads against one shared engine,
    /// then check the run by replay.
    ///
    /// Exit codes: 0 the run passed its check; 1 a violation (replay mismatch, broken
    /// invariant, stall, or a failed `expect` in a script); 2 bad usage or input, or a run
    /// that passed its check but lagged (the machine could not keep up: lower --time-scale).
    Threaded {
        /// The scenario (.toml) or script (.script) file.
        scenario: PathBuf,
        /// Seed of every random stream (default: the scenario's `seed`). Scenarios only.
        #[arg(long)]
        seed: Option<u64>,
        /// Virtual milliseconds per wall millisecond, from 0.01 to 1000000 (1 = real time).
        /// Default: for a scenario, its horizon ÷ 20 s, so that the arrivals last about 20 s
        /// of wall time; for a script, 1 (real time).
        #[arg(long, value_name = "X", allow_negative_numbers = true)]
        time_scale: Option<TimeScale>,
        /// Worker threads, from 1 to 1024, plus one timer thread [default: 4]. Scenarios only.
        #[arg(long, value_name = "N")]
        threads: Option<usize>,
        /// Folder for the reports (default: reports/<name>-threaded/). Scenarios only.
        #[arg(long)]
        out: Option<PathBuf>,
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
        Cmd::Script { file, check } => cli::script::script(&file, check),
        Cmd::Run {
            scenario,
            seed,
            out,
            quiet,
        } => cli::run::run(&scenario, seed, out, quiet),
        Cmd::Check { scenario } => cli::check::check(&scenario),
        Cmd::Threaded {
            scenario,
            seed,
            time_scale,
            threads,
            out,
        } => cli::threaded::threaded(&scenario, seed, time_scale, threads, out),
    }
}
