//! The fault-injection hook: with `COURIER_SIM_KILL_AT_STEP=N` set, the process kills itself
//! right before the Nth filesystem change of the report writer (see the parent module).

use std::fs::File;
use std::io::{self, Write};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::OnceLock;

/// The environment variable of the fault-injection hook (see the module documentation).
pub const KILL_AT_STEP_ENV: &str = "COURIER_SIM_KILL_AT_STEP";

/// The next filesystem change of the report writer: kills the process first if
/// [`KILL_AT_STEP_ENV`] asks for this step.
pub(super) fn step(what: &str, path: &Path) {
    static KILL_AT: OnceLock<Option<u64>> = OnceLock::new();
    static STEPS: AtomicU64 = AtomicU64::new(0);
    let kill_at = *KILL_AT.get_or_init(|| {
        std::env::var(KILL_AT_STEP_ENV)
            .ok()
            .and_then(|v| v.trim().parse().ok())
    });
    let Some(kill_at) = kill_at else {
        return;
    };
    let n = STEPS.fetch_add(1, Ordering::SeqCst) + 1;
    if n == kill_at {
        // Ignore a closed stderr: the kill must happen whatever becomes of the message.
        let _ = writeln!(
            std::io::stderr(),
            "courier-sim: {KILL_AT_STEP_ENV}={n}: killed before {what} {}",
            path.display()
        );
        #[cfg(unix)]
        {
            use rustix::process::{getpid, kill_process, Signal};
            let _ = kill_process(getpid(), Signal::KILL);
        }
        std::process::abort();
    }
}

/// Creates `dir/name` for writing (a step of the fault-injection hook).
pub fn create_file(dir: &Path, name: &str) -> io::Result<File> {
    let path = dir.join(name);
    step("creating", &path);
    File::create_new(&path)
}
