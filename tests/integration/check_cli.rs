//! `courier-sim check`: validation without a run, through the binary.

use crate::support::{courier_sim, root};

#[test]
fn every_example_scenario_checks_valid_and_writes_nothing() {
    for name in ["evening", "dinner-rush", "bench-1m"] {
        let path = format!("scenarios/{name}.toml");
        let r = courier_sim(&["check", &path]);
        assert_eq!(r.code, 0, "{path}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.starts_with(&format!("{path}: valid\n")), "{}", r.stdout);
        assert!(r.stdout.contains("expected orders: about"), "{}", r.stdout);
        assert!(r.stdout.contains("offered load"), "{}", r.stdout);
    }
    let evening = courier_sim(&["check", "scenarios/evening.toml"]);
    assert!(
        evening.stdout.contains("about 960 (8.00 a minute"),
        "{}",
        evening.stdout
    );
    assert!(evening.stdout.contains("warnings: none"), "{}", evening.stdout);
    let rush = courier_sim(&["check", "scenarios/dinner-rush.toml"]);
    assert!(
        rush.stdout
            .contains("warning: the fleet is overloaded at the peak"),
        "{}",
        rush.stdout
    );
}

#[test]
fn warnings_keep_exit_0_and_errors_exit_2() {
    let dir = tempfile::tempdir().unwrap();
    let degenerate = dir.path().join("degenerate.toml");
    std::fs::write(
        &degenerate,
        "horizon = \"1h\"\n[fleet]\ndrivers = 0\n[dispatch]\npickup_deadline = \"0s\"\n",
    )
    .unwrap();
    let r = courier_sim(&["check", degenerate.to_str().unwrap()]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("warning: `fleet.drivers` is 0"), "{}", r.stdout);
    assert!(
        r.stdout.contains("warning: `dispatch.pickup_deadline` is 0s"),
        "{}",
        r.stdout
    );

    let bad = dir.path().join("bad.toml");
    std::fs::write(&bad, "[fleet]\ndrivers = 2147483648\n").unwrap();
    let r = courier_sim(&["check", bad.to_str().unwrap()]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("bad.toml:2:11: field `fleet.drivers`: at most 100000 drivers"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.is_empty());

    let r = courier_sim(&["check", "no/such.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("no/such.toml: cannot read the scenario"),
        "{}",
        r.stderr
    );
    assert!(!root().join("reports/degenerate").exists());
}

#[test]
fn a_file_of_the_other_kind_is_named_with_the_right_command() {
    // Regression (review): `run x.script` failed on TOML syntax at line 4 and `script
    // x.toml` on an unknown command `name`, without saying the file was of the other kind.
    let r = courier_sim(&["run", "scenarios/sample.script"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains(
            "is a script, not a scenario; run it with `courier-sim script scenarios/sample.script`"
        ),
        "{}",
        r.stderr
    );
    let r = courier_sim(&["script", "scenarios/evening.toml"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("is a scenario, not a script; run it with `courier-sim run scenarios/evening.toml`"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_full_stdout_is_an_error_and_a_closed_one_is_not() {
    // Regression (review): with stdout on a full disk, `run`, `check` and `script` exited 0
    // having written nothing. /dev/full exists on Linux; elsewhere there is nothing to test.
    let Ok(full) = std::fs::OpenOptions::new().write(true).open("/dev/full") else {
        return;
    };
    for args in [
        &["check", "scenarios/evening.toml"][..],
        &["script", "scenarios/sample.script"][..],
    ] {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_courier-sim"))
            .args(args)
            .current_dir(root())
            .stdout(full.try_clone().unwrap())
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.contains("No space left on device"), "{args:?}: {stderr}");
    }
}
