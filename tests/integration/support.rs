//! Helpers: run the built binary and capture what it printed and how it exited.

use std::path::{Path, PathBuf};
use std::process::Command;

/// What one run of the binary printed, and its exit code.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs `courier-sim ARGS…` from the package root.
pub fn courier_sim(args: &[&str]) -> Run {
    let output = Command::new(env!("CARGO_BIN_EXE_courier-sim"))
        .args(args)
        .current_dir(root())
        .output()
        .expect("the binary runs");
    Run {
        code: output.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(output.stdout).expect("utf-8 stdout"),
        stderr: String::from_utf8(output.stderr).expect("utf-8 stderr"),
    }
}

/// The package root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Writes `text` to a fresh temporary script and returns its directory guard and path.
pub fn temp_script(text: &str) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("case.script");
    std::fs::write(&path, text).expect("write script");
    (dir, path)
}

/// Every `*.script` under `dir`, sorted by name.
pub fn scripts_in(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .expect("scenarios/ exists")
        .map(|entry| entry.expect("readable entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "script"))
        .collect();
    found.sort();
    found
}

/// Runs `courier-sim ARGS…` from the package root with extra environment variables, and
/// returns how it ended, killed or not.
pub fn courier_sim_with_env(args: &[&str], env: &[(&str, &str)]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_courier-sim"))
        .args(args)
        .envs(env.iter().copied())
        .current_dir(root())
        .output()
        .expect("the binary runs")
}
