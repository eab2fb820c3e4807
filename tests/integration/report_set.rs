//! The report set is replaced whole or not at all (SPEC §6): a run killed at any step of
//! writing its reports leaves the folder holding the complete set of the run before or the
//! complete set of the new run, never a mix, and the next run clears whatever hidden folder
//! the killed one left. Kills come from the binary's fault-injection hook
//! (`COURIER_SIM_KILL_AT_STEP=N`: SIGKILL right before the Nth filesystem change of the
//! report writer), so no tool beyond the Rust toolchain is needed.

// The hook kills with SIGKILL, which only Unix has.
#![cfg(unix)]

use std::collections::BTreeMap;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;

use crate::support::{courier_sim, courier_sim_with_env};

/// Small and quick, with every optional report when asked for.
const SCENARIO: &str = r#"
name = "kill"
horizon = "10m"
[fleet]
drivers = 4
[demand]
customers = 20
rate = "3/m"
double_tap = 0.2
[behavior]
pickup_delay = "exp(30s)"
delivery_time = "uniform(1m, 3m)"
cancel = { probability = 0.2, after = "uniform(0s, 90s)" }
[report]
events = EVENTS
notifications = EVENTS
"#;

/// Every entry of a report folder with its bytes; a folder inside fails the test.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{} is unreadable: {e}", dir.display()))
        .map(|entry| {
            let entry = entry.unwrap();
            assert!(
                entry.file_type().unwrap().is_file(),
                "{:?} is not a file",
                entry.path()
            );
            (
                entry.file_name().into_string().unwrap(),
                std::fs::read(entry.path()).unwrap(),
            )
        })
        .collect()
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    names.sort();
    names
}

/// `courier-sim run SCENARIO --out OUT --seed SEED`, killed before step `kill_at` if given:
/// `None` if it ran to the end, else the hook's message.
fn run(scenario: &Path, out: &Path, seed: &str, kill_at: Option<u64>) -> Option<String> {
    let args = [
        "run",
        scenario.to_str().unwrap(),
        "--out",
        out.to_str().unwrap(),
        "--seed",
        seed,
        "--quiet",
    ];
    let step = kill_at.map(|k| k.to_string());
    let env: Vec<(&str, &str)> = step
        .iter()
        .map(|k| ("COURIER_SIM_KILL_AT_STEP", k.as_str()))
        .collect();
    let output = courier_sim_with_env(&args, &env);
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    match output.status.code() {
        Some(0) => None,
        Some(code) => panic!("exit code {code}: {stderr}"),
        None => {
            assert_eq!(output.status.signal(), Some(9), "not killed by SIGKILL: {stderr}");
            Some(stderr.trim().to_string())
        }
    }
}

/// Which complete set `dir` holds, or a failure naming the step.
fn old_or_new(
    dir: &Path,
    old: &BTreeMap<String, Vec<u8>>,
    new: &BTreeMap<String, Vec<u8>>,
    killed: &str,
) -> &'static str {
    let now = snapshot(dir);
    if &now == old {
        "old"
    } else if &now == new {
        "new"
    } else {
        let mixed: Vec<String> = now
            .iter()
            .map(|(name, bytes)| {
                let from = if old.get(name) == Some(bytes) {
                    "old"
                } else if new.get(name) == Some(bytes) {
                    "new"
                } else {
                    "neither"
                };
                format!("{name} ({from})")
            })
            .collect();
        panic!("{killed}\nthe folder holds a mix: {}", mixed.join(", "))
    }
}

#[test]
fn a_run_killed_at_any_step_leaves_the_old_set_or_the_new_set() {
    let scenarios = tempfile::tempdir().unwrap();
    let with_events = scenarios.path().join("a.toml");
    std::fs::write(&with_events, SCENARIO.replace("EVENTS", "true")).unwrap();
    let without = scenarios.path().join("b.toml");
    std::fs::write(&without, SCENARIO.replace("EVENTS", "false")).unwrap();

    // The new set, written into a folder of its own for reference.
    let reference = tempfile::tempdir().unwrap();
    assert_eq!(run(&without, &reference.path().join("out"), "2", None), None);
    let new = snapshot(&reference.path().join("out"));

    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("out");
    assert_eq!(run(&with_events, &out, "1", None), None);
    let old = snapshot(&out);
    assert!(old.contains_key("events.csv") && old.contains_key("notifications.csv"));
    assert!(!new.contains_key("events.csv") && !new.contains_key("notifications.csv"));
    for (name, bytes) in &new {
        if name.ends_with(".csv") {
            assert_ne!(old.get(name), Some(bytes), "{name} is the same for both seeds");
        }
    }

    // From the old set each time, kill the new run at step 1, 2, … until it completes. The
    // run that restores the old set also clears what the killed run left beside the folder.
    let mut seen = Vec::new();
    for step in 1.. {
        assert!(step < 200, "the run never completed");
        assert_eq!(run(&with_events, &out, "1", None), None);
        assert!(
            snapshot(&out) == old,
            "after step {}: the old set was not restored",
            step - 1
        );
        assert_eq!(
            entries(parent.path()),
            ["out"],
            "left beside the folder after step {}",
            step - 1
        );
        let Some(killed) = run(&without, &out, "2", Some(step)) else {
            assert!(
                step > 1,
                "the run was not killed at step 1: no fault-injection hook"
            );
            assert!(
                snapshot(&out) == new,
                "the completed run did not leave the new set"
            );
            break;
        };
        assert!(
            killed.contains(&format!("COURIER_SIM_KILL_AT_STEP={step}:")),
            "{killed}"
        );
        seen.push(old_or_new(&out, &old, &new, &killed));
    }
    // The swap is one of the steps: before it the old set, after it the new one.
    let swap = seen
        .iter()
        .position(|s| *s == "new")
        .expect("no kill after the swap");
    assert!(swap > 0, "no kill before the swap");
    assert!(seen[swap..].iter().all(|s| *s == "new"), "{seen:?}");

    // Kills one after another without restoring: each run also clears what the one before
    // it left, and may itself be killed while doing so.
    assert_eq!(run(&with_events, &out, "1", None), None);
    for step in 1.. {
        assert!(step < 200, "the run never completed");
        let Some(killed) = run(&without, &out, "2", Some(step)) else {
            break;
        };
        old_or_new(&out, &old, &new, &killed);
    }
    assert!(
        snapshot(&out) == new,
        "the completed run did not leave the new set"
    );
    assert_eq!(
        entries(parent.path()),
        ["out"],
        "something hidden was left beside the folder"
    );
}

#[test]
fn a_folder_that_is_not_a_report_folder_is_refused_before_the_run() {
    let parent = tempfile::tempdir().unwrap();
    let out = parent.path().join("mine");
    std::fs::create_dir(&out).unwrap();
    std::fs::write(out.join("notes.txt"), "my notes").unwrap();
    let r = courier_sim(&[
        "run",
        "scenarios/evening.toml",
        "--out",
        out.to_str().unwrap(),
        "--quiet",
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(
        r.stderr
            .contains("not a courier-sim report folder (it holds `notes.txt`"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains("reproduce with"), "{}", r.stderr);
    assert_eq!(entries(&out), ["notes.txt"]);
    assert_eq!(entries(parent.path()), ["mine"]);
    // A report folder into which someone put a file of their own is refused too: replacing
    // the folder would delete the file.
    let reports = parent.path().join("reports");
    let r = courier_sim(&[
        "run",
        "scenarios/evening.toml",
        "--out",
        reports.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    std::fs::write(reports.join("analysis.ods"), "mine").unwrap();
    let r = courier_sim(&[
        "run",
        "scenarios/evening.toml",
        "--out",
        reports.to_str().unwrap(),
    ]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("it holds `analysis.ods`"), "{}", r.stderr);
    assert!(reports.join("analysis.ods").exists());
}
