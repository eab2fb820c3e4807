//! Unit tests of the atomic report set.

use super::*;

fn known() -> Vec<KnownFile> {
    vec![
        KnownFile {
            name: "a.csv",
            header: "x,y".to_string(),
        },
        KnownFile {
            name: "b.csv",
            header: "metric,value".to_string(),
        },
    ]
}

fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn write_set(target: &Path, a: &str) {
    let staged = StagedDir::create(target, known()).unwrap();
    fs::write(staged.path().join("a.csv"), a).unwrap();
    staged.commit().unwrap();
}

#[test]
fn a_new_folder_appears_whole_with_its_marker_and_no_sibling() {
    let parent = tempfile::tempdir().unwrap();
    let target = parent.path().join("out");
    let staged = StagedDir::create(&target, known()).unwrap();
    fs::write(staged.path().join("a.csv"), "x,y\n1,2\n").unwrap();
    assert!(!target.exists(), "nothing under the final name before commit");
    staged.commit().unwrap();
    assert_eq!(names(&target), [MARKER, "a.csv"]);
    assert_eq!(names(parent.path()), ["out"]);
}

#[test]
fn a_rerun_replaces_the_whole_set_and_leaves_no_sibling() {
    let parent = tempfile::tempdir().unwrap();
    let target = parent.path().join("out");
    let staged = StagedDir::create(&target, known()).unwrap();
    fs::write(staged.path().join("a.csv"), "x,y\nold\n").unwrap();
    fs::write(staged.path().join("b.csv"), "metric,value\nold\n").unwrap();
    staged.commit().unwrap();
    write_set(&target, "x,y\nnew\n");
    assert_eq!(names(&target), [MARKER, "a.csv"]);
    assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "x,y\nnew\n");
    assert_eq!(names(parent.path()), ["out"]);
}

#[test]
fn the_fallback_without_exchange_also_replaces_the_set() {
    let parent = tempfile::tempdir().unwrap();
    let target = parent.path().join("out");
    write_set(&target, "x,y\nold\n");
    let staged = StagedDir::create(&target, known()).unwrap();
    fs::write(staged.path().join("a.csv"), "x,y\nnew\n").unwrap();
    staged
        .commit_with(|_, _| Err(io::ErrorKind::Unsupported.into()))
        .unwrap();
    assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "x,y\nnew\n");
    assert_eq!(names(parent.path()), ["out"]);
}

#[test]
fn a_dropped_set_leaves_nothing_and_the_old_set_untouched() {
    let parent = tempfile::tempdir().unwrap();
    let target = parent.path().join("out");
    write_set(&target, "x,y\nold\n");
    let staged = StagedDir::create(&target, known()).unwrap();
    fs::write(staged.path().join("a.csv"), "x,y\nhalf").unwrap();
    drop(staged);
    assert_eq!(names(parent.path()), ["out"]);
    assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "x,y\nold\n");
}

#[test]
fn an_empty_folder_or_one_from_before_the_marker_is_replaced() {
    let parent = tempfile::tempdir().unwrap();
    let empty = parent.path().join("empty");
    fs::create_dir(&empty).unwrap();
    write_set(&empty, "x,y\n");
    let legacy = parent.path().join("legacy");
    fs::create_dir(&legacy).unwrap();
    fs::write(legacy.join("a.csv"), "x,y\n1,2\n").unwrap();
    fs::write(legacy.join(".b.csv.partial"), "metric,val").unwrap();
    write_set(&legacy, "x,y\n");
    assert_eq!(names(&legacy), [MARKER, "a.csv"]);
    assert_eq!(names(parent.path()), ["empty", "legacy"]);
}

#[test]
fn a_file_with_a_header_per_profile_is_recognised_by_either_and_removed_once() {
    let mut two = known();
    two.push(KnownFile {
        name: "a.csv",
        header: "x,z".to_string(),
    });
    let parent = tempfile::tempdir().unwrap();
    for (folder, header) in [("first", "x,y\n"), ("second", "x,z\n")] {
        let legacy = parent.path().join(folder);
        fs::create_dir(&legacy).unwrap();
        fs::write(legacy.join("a.csv"), header).unwrap();
        let staged = StagedDir::create(&legacy, two.clone()).unwrap();
        fs::write(staged.path().join("a.csv"), "x,z\nnew\n").unwrap();
        staged.commit().unwrap();
        assert_eq!(fs::read_to_string(legacy.join("a.csv")).unwrap(), "x,z\nnew\n");
        assert_eq!(names(&legacy), [MARKER, "a.csv"]);
    }
    let other = parent.path().join("other");
    fs::create_dir(&other).unwrap();
    fs::write(other.join("a.csv"), "x,w\n").unwrap();
    assert!(is_refusal(&StagedDir::create(&other, two).unwrap_err()));
    assert_eq!(names(parent.path()), ["first", "other", "second"]);
}

#[test]
fn a_folder_holding_anything_else_is_refused_and_left_alone() {
    let parent = tempfile::tempdir().unwrap();
    let cases: [(&str, &[(&str, &str)]); 3] = [
        ("notes", &[("notes.txt", "mine")]),
        (
            "marked",
            &[(MARKER, ""), ("a.csv", "x,y\n"), ("keep.txt", "mine")],
        ),
        ("own-csv", &[("a.csv", "my,own,columns\n")]),
    ];
    for (folder, files) in cases {
        let target = parent.path().join(folder);
        fs::create_dir(&target).unwrap();
        for (name, text) in files {
            fs::write(target.join(name), text).unwrap();
        }
        let e = StagedDir::create(&target, known()).unwrap_err();
        assert!(is_refusal(&e), "{folder}: {e}");
        assert!(e.to_string().contains("not a courier-sim report folder"), "{e}");
        assert_eq!(names(&target).len(), files.len(), "{folder} was changed");
    }
    let file = parent.path().join("file");
    fs::write(&file, "mine").unwrap();
    assert!(is_refusal(&StagedDir::create(&file, known()).unwrap_err()));
    let sub = parent.path().join("sub");
    fs::create_dir(&sub).unwrap();
    fs::create_dir(sub.join("a.csv")).unwrap();
    assert!(is_refusal(&StagedDir::create(&sub, known()).unwrap_err()));
    assert_eq!(
        names(parent.path()),
        ["file", "marked", "notes", "own-csv", "sub"]
    );
}

#[test]
fn a_file_added_during_the_run_stops_the_swap() {
    let parent = tempfile::tempdir().unwrap();
    let target = parent.path().join("out");
    write_set(&target, "x,y\nold\n");
    let staged = StagedDir::create(&target, known()).unwrap();
    fs::write(target.join("notes.txt"), "mine").unwrap();
    let e = staged.commit().unwrap_err();
    assert!(is_refusal(&e), "{e}");
    assert_eq!(names(&target), [MARKER, "a.csv", "notes.txt"]);
    assert_eq!(names(parent.path()), ["out"]);
}

#[test]
fn leftovers_of_dead_runs_go_but_those_of_live_runs_and_strangers_stay() {
    let parent = tempfile::tempdir().unwrap();
    let target = parent.path().join("out");
    write_set(&target, "x,y\nold\n");
    // A dead run's sibling (no lock held) and one without a marker yet.
    let dead = parent.path().join(".out.partial-99999999");
    fs::create_dir(&dead).unwrap();
    fs::write(dead.join(MARKER), "").unwrap();
    fs::write(dead.join("a.csv"), "x,y\nhalf").unwrap();
    let unmarked = parent.path().join(".out.partial-99999998");
    fs::create_dir(&unmarked).unwrap();
    // A live run's sibling: its marker is locked.
    let live = StagedDir::create(&parent.path().join("out"), known()).unwrap();
    // Look-alikes that are not siblings of `out`, and a sibling holding a stranger's file.
    for name in [".out.partial-12x", ".outer.partial-1", ".out.partial-"] {
        fs::create_dir(parent.path().join(name)).unwrap();
    }
    let strange = parent.path().join(".out.partial-99999997");
    fs::create_dir(&strange).unwrap();
    fs::write(strange.join("mine.txt"), "mine").unwrap();
    let other = StagedDir::create(&target, known());
    // The live sibling has this process's id, so a second set of the same folder in the
    // same process cannot start; the dead ones are gone all the same.
    assert!(other.is_err());
    let mut left = names(parent.path());
    left.retain(|n| n != "out");
    let live_name = live.path().file_name().unwrap().to_string_lossy().into_owned();
    let mut expected = vec![
        ".out.partial-",
        ".out.partial-12x",
        ".out.partial-99999997",
        live_name.as_str(),
        ".outer.partial-1",
    ];
    expected.sort();
    assert_eq!(left, expected);
    assert_eq!(names(&strange), ["mine.txt"]);
}

#[test]
fn an_old_set_left_aside_by_a_killed_fallback_is_put_back() {
    let parent = tempfile::tempdir().unwrap();
    let target = parent.path().join("out");
    write_set(&target, "x,y\nold\n");
    fs::rename(&target, parent.path().join(".out.old-99999999")).unwrap();
    let staged = StagedDir::create(&target, known()).unwrap();
    assert_eq!(fs::read_to_string(target.join("a.csv")).unwrap(), "x,y\nold\n");
    drop(staged);
    assert_eq!(names(parent.path()), ["out"]);
}
