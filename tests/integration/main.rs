//! Integration tests through the real `courier-sim` binary, in one test binary so they
//! compile once (as nexosim does). Each module covers one command of the CLI.

// Test code: a panic is the failure report.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod check_cli;
mod food_reports;
mod food_run;
mod food_script_cli;
mod report_set;
mod run_cli;
mod script_cli;
mod support;
mod threaded;
mod threaded_food;
