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

/// Runs `courier-sim run SCENARIO --out OUT --quiet EXTRA…` and insists it succeeds.
pub fn run(scenario: &Path, out: &Path, extra: &[&str]) {
    let mut args = vec![
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ];
    args.extend_from_slice(extra);
    let r = courier_sim(&args);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
}

/// Writes a scenario file into `dir`.
pub fn write_scenario(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path
}

/// One metric of a report folder's `summary.csv`.
pub fn summary_value(dir: &Path, metric: &str) -> String {
    let text = std::fs::read_to_string(dir.join("summary.csv")).unwrap();
    text.lines()
        .find_map(|l| l.strip_prefix(&format!("{metric},")))
        .unwrap_or_else(|| panic!("no {metric} in summary"))
        .to_string()
}

/// Erlang C: the mean wait in queue of M/M/c.
pub fn erlang_c_wait(lambda: f64, mu: f64, c: u32) -> f64 {
    let a = lambda / mu;
    let rho = a / f64::from(c);
    let mut term = 1.0;
    let mut sum = 1.0;
    for k in 1..c {
        term *= a / f64::from(k);
        sum += term;
    }
    let top = term * a / f64::from(c) / (1.0 - rho);
    let p_wait = top / (sum + top);
    p_wait / (f64::from(c) * mu - lambda)
}
