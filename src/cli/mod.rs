//! The commands of the `courier-sim` binary, one module each: what it prints and the exit
//! code it returns. Here is what several of them share: loading a scenario and reporting a
//! script that could not run, each with exit code 2.

pub(crate) mod check;
pub(crate) mod run;
pub(crate) mod script;
pub(crate) mod threaded;

use std::process::ExitCode;

/// Loads a scenario, or reports why not (file, field, position) with exit code 2.
fn load_scenario(path: &std::path::Path) -> Result<courier_sim::scenario::Scenario, ExitCode> {
    courier_sim::scenario::load(path).map_err(|e| {
        eprintln!("{e}");
        ExitCode::from(2)
    })
}

/// Reports a script that could not run to its end: a bad line as `FILE:LINE: message`
/// (SPEC §4), anything else with the program's name; exit code 2.
fn script_error(e: &courier_sim::script::ScriptError) -> ExitCode {
    match e {
        courier_sim::script::ScriptError::Line { .. } => eprintln!("{e}"),
        _ => eprintln!("courier-sim: {e}"),
    }
    ExitCode::from(2)
}
