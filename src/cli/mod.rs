//! The commands of the `courier-sim` binary, one module each: what it prints and the exit
//! code it returns. Here is what several of them share: loading a scenario and reporting a
//! script that could not run, each with exit code 2.

pub(crate) mod check;
pub(crate) mod run;
pub(crate) mod script;
pub(crate) mod threaded;

use std::io::Write;
use std::process::ExitCode;

/// `eprintln!` that never panics: a closed or full stderr (`2>&1 | head`) must not turn a
/// run into a crash, and there is nowhere left to report it.
macro_rules! say_err {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr(), $($arg)*);
    }};
}
pub(crate) use say_err;

/// Writes a command's output to stdout. A reader that stopped reading (`| head`) is not an
/// error of the command; any other failure (a full disk) is, with exit code 2.
fn print_out(text: &str) -> Result<(), ExitCode> {
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => {
            say_err!("courier-sim: cannot write to standard output: {e}");
            Err(ExitCode::from(2))
        }
    }
}

/// A path as one shell word, quoted when it holds anything but plain characters, so a
/// printed command can be pasted back (`'my scenario.toml'`).
pub(crate) fn shell_word(path: &std::path::Path) -> String {
    let text = path.display().to_string();
    let plain = |c: char| c.is_ascii_alphanumeric() || "_-./+:=@%,".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text
    } else {
        format!("'{}'", text.replace('\'', r"'\''"))
    }
}

/// Refuses a file of the other kind: scripts run with `script`, scenarios with `run`.
fn refuse_wrong_kind(path: &std::path::Path, wanted: &str) -> Result<(), ExitCode> {
    let ext = path.extension().map(|e| e.to_string_lossy().to_ascii_lowercase());
    let (kind, command) = match (ext.as_deref(), wanted) {
        (Some("script"), "scenario") => ("a script", "courier-sim script"),
        (Some("toml"), "script") => ("a scenario", "courier-sim run"),
        _ => return Ok(()),
    };
    say_err!(
        "courier-sim: {} is {kind}, not a {wanted}; run it with `{command} {}`",
        path.display(),
        shell_word(path)
    );
    Err(ExitCode::from(2))
}

/// Loads a scenario, or reports why not (file, field, position) with exit code 2.
fn load_scenario(path: &std::path::Path) -> Result<courier_sim::scenario::Scenario, ExitCode> {
    refuse_wrong_kind(path, "scenario")?;
    courier_sim::scenario::load(path).map_err(|e| {
        say_err!("{e}");
        ExitCode::from(2)
    })
}

/// Reports a script that could not run to its end: a bad line as `FILE:LINE: message`
/// (SPEC §4), anything else with the program's name; exit code 2.
fn script_error(e: &courier_sim::script::ScriptError) -> ExitCode {
    match e {
        courier_sim::script::ScriptError::Line { .. } => say_err!("{e}"),
        _ => say_err!("courier-sim: {e}"),
    }
    ExitCode::from(2)
}
