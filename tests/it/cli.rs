//! The command line as a patient, a clinic or a script uses it: the real binary on a real
//! data folder, `--now` fixing the clock.

use super::support::{bin, fails, ok, run, status_json};
use std::path::{Path, PathBuf};

const TZ: &str = "Europe/Berlin";
const NOW: &str = "2026-11-25T20:30:00+01:00";

fn seed(dir: &Path) {
    ok(
        dir,
        TZ,
        "2026-11-20T18:00:00+01:00",
        &[
            "session",
            "add",
            "--date",
            "2026-11-20",
            "--end-time",
            "15:30",
            "--areas",
            "left-calf-back,right-knee",
            "--clinic-name",
            "Vein Clinic",
            "--clinic-phone",
            "+49 30 1234",
        ],
    );
    let at = "2026-11-25T20:00:00+01:00";
    ok(
        dir,
        TZ,
        at,
        &["checkin", "--date", "2026-11-20", "--day", "worn"],
    );
    ok(
        dir,
        TZ,
        at,
        &[
            "checkin",
            "--date",
            "2026-11-21",
            "--day",
            "worn",
            "--night",
            "worn",
            "--walk-minutes",
            "40",
        ],
    );
    ok(
        dir,
        TZ,
        at,
        &[
            "checkin",
            "--date",
            "2026-11-22",
            "--day",
            "partial",
            "--off-minutes",
            "20",
            "--reason",
            "shower",
            "--night",
            "worn",
        ],
    );
    ok(
        dir,
        TZ,
        at,
        &[
            "checkin",
            "--date",
            "2026-11-23",
            "--day",
            "not-worn",
            "--night",
            "not-worn",
        ],
    );
    // 24 November is left unrecorded.
    ok(
        dir,
        TZ,
        at,
        &[
            "checkin",
            "--date",
            "2026-11-25",
            "--day",
            "worn",
            "--night",
            "worn",
            "--symptom",
            "bruising",
        ],
    );
}

#[test]
fn status_json_has_the_plan_states_and_adherence() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let s = status_json(dir.path(), TZ, NOW);
    let session = &s["sessions"][0];
    assert_eq!(session["id"], "2026-11-20");
    assert_eq!(session["wear_start"], "2026-11-20T15:30:00+01:00");
    assert_eq!(session["wear_end"], "2026-12-04T15:30:00+01:00");
    assert_eq!(session["days_total"], 14);
    assert_eq!(session["day_index"], 6);
    assert_eq!(session["photo_due"], "2027-02-20");
    let states: Vec<&str> = session["dates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["state"].as_str().unwrap())
        .collect();
    assert_eq!(states.len(), 15);
    assert_eq!(
        &states[..7],
        &[
            "complete",
            "complete",
            "partial",
            "missed",
            "not-recorded",
            "complete",
            "upcoming"
        ]
    );
    assert!(states[7..].iter().all(|s| *s == "upcoming"));
    // Day wear: 20, 21, 25 covered of 20–25 (six dates) = 0.5. Night: 21, 22, 25 of 21–25 = 0.6.
    assert_eq!(session["adherence"]["day"], 0.5);
    assert_eq!(session["adherence"]["night"], 0.6);
    assert_eq!(s["red_flags"].as_array().unwrap().len(), 0);
    // The date entries carry late and edited marks.
    assert_eq!(session["dates"][0]["late"], true);
    assert_eq!(session["dates"][5]["late"], false);
}

#[test]
fn red_flags_show_for_48_hours() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let out = ok(
        dir.path(),
        TZ,
        NOW,
        &[
            "checkin",
            "--date",
            "2026-11-25",
            "--day",
            "worn",
            "--night",
            "worn",
            "--symptom",
            "chest-pain",
        ],
    );
    assert!(out.contains("edited"), "{out}");
    assert!(out.contains("Call emergency services on "), "{out}");
    assert!(
        out.contains("Nothing has been sent to your clinic."),
        "{out}"
    );
    let s = status_json(dir.path(), TZ, "2026-11-27T20:00:00+01:00");
    assert_eq!(s["red_flags"][0]["symptom"], "chest-pain");
    assert_eq!(s["red_flags"][0]["level"], "emergency");
    let s = status_json(dir.path(), TZ, "2026-11-27T20:31:00+01:00");
    assert_eq!(s["red_flags"].as_array().unwrap().len(), 0);
    // The edit kept the earlier version.
    assert_eq!(s["sessions"][0]["dates"][5]["edited"], true);
}

#[test]
fn bad_input_gets_one_line_exit_2_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let backup = std::fs::read(dir.path().join("auto-backup.json")).unwrap();
    let before = status_json(dir.path(), TZ, NOW);
    let cases: &[(&[&str], &str)] = &[
        (
            &[
                "session",
                "add",
                "--date",
                "2026-12-01",
                "--end-time",
                "10:00",
                "--tz",
                "Mars/Olympus",
            ],
            "Mars/Olympus",
        ),
        (
            &[
                "session",
                "add",
                "--date",
                "2026-12-01",
                "--end-time",
                "24:30",
            ],
            "24:30",
        ),
        (
            &[
                "session",
                "add",
                "--date",
                "2026-02-30",
                "--end-time",
                "10:00",
            ],
            "2026-02-30",
        ),
        (
            &[
                "session",
                "add",
                "--date",
                "2026-12-01",
                "--end-time",
                "10:00",
                "--days",
                "43",
            ],
            "43",
        ),
        (
            &[
                "session",
                "add",
                "--date",
                "2026-12-01",
                "--end-time",
                "10:00",
                "--areas",
                "left-elbow",
            ],
            "left-elbow",
        ),
        (
            &[
                "session",
                "add",
                "--date",
                "2026-12-01",
                "--end-time",
                "10:00",
                "--phases",
                "3:continuous,10:daytime",
            ],
            "13",
        ),
        (
            &[
                "checkin",
                "--date",
                "2026-12-20",
                "--day",
                "worn",
                "--night",
                "worn",
            ],
            "outside the plan",
        ),
        (
            &[
                "checkin",
                "--date",
                "2026-11-27",
                "--day",
                "worn",
                "--night",
                "worn",
            ],
            "has not come yet",
        ),
        (
            &[
                "checkin",
                "--date",
                "2026-11-24",
                "--day",
                "worn",
                "--night",
                "worn",
                "--symptom",
                "headache",
            ],
            "headache",
        ),
        (
            &[
                "checkin",
                "--date",
                "2026-11-24",
                "--day",
                "partial",
                "--night",
                "worn",
            ],
            "minutes off",
        ),
        (
            &["checkin", "--date", "2026-11-24", "--day", "worn"],
            "last night",
        ),
        (
            &[
                "checkin",
                "--date",
                "2026-11-20",
                "--day",
                "worn",
                "--night",
                "worn",
            ],
            "not part of the plan",
        ),
        (
            &[
                "checkin",
                "--date",
                "2026-11-24",
                "--day",
                "sometimes",
                "--night",
                "worn",
            ],
            "sometimes",
        ),
        (
            &[
                "checkin",
                "--date",
                "2026-11-24",
                "--day",
                "worn",
                "--night",
                "worn",
                "--session",
                "2026-01-01",
            ],
            "no session",
        ),
        (&["status", "--now", "yesterday"], "yesterday"),
        (&["restore", "/nonexistent/backup.json"], "cannot read"),
    ];
    for (args, needle) in cases {
        let err = fails(dir.path(), TZ, NOW, args, 2);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert_eq!(
        std::fs::read(dir.path().join("auto-backup.json")).unwrap(),
        backup
    );
    assert_eq!(status_json(dir.path(), TZ, NOW), before);
}

#[test]
fn aftercare_now_and_tz_come_from_the_environment() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let out = std::process::Command::new(bin())
        .env("AFTERCARE_DATA_DIR", dir.path())
        .env("AFTERCARE_NOW", "2026-11-30T09:00:00+01:00")
        .env("TZ", "America/New_York")
        .args(["status", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let s: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // 09:00 in Berlin is 03:00 in New York: still 30 November, day 11.
    assert_eq!(s["zone"], "America/New_York");
    assert_eq!(s["now"], "2026-11-30T03:00:00-05:00");
    assert_eq!(s["sessions"][0]["day_index"], 11);
    let bad = std::process::Command::new(bin())
        .env("AFTERCARE_DATA_DIR", dir.path())
        .env("TZ", "Nowhere/Land")
        .args(["status"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("Nowhere/Land"));
}

/// A backup's change counter is validated: u64::MAX (a crafted file) and anything above
/// `MAX_GENERATION` are refused with a message instead of overflowing; the highest one
/// allowed restores, and the store goes on from its own counter, so it still takes check-ins
/// and its backup restores again.
#[test]
fn a_backup_change_counter_out_of_range_is_refused_and_the_highest_allowed_keeps_working() {
    use aftercare::domain::backup::{self, MAX_GENERATION};
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let file = dir.path().join("mine.json");
    ok(
        dir.path(),
        TZ,
        NOW,
        &["backup", "--out", file.to_str().unwrap()],
    );
    let decoded = backup::decode(&std::fs::read(&file).unwrap()).unwrap();
    for generation in [u64::MAX, u64::MAX - 1, MAX_GENERATION + 1] {
        let mut snapshot = decoded.snapshot.clone();
        snapshot.generation = generation;
        let path = dir.path().join(format!("counter-{generation}.json"));
        std::fs::write(
            &path,
            backup::encode(&snapshot, decoded.created_at).unwrap(),
        )
        .unwrap();
        let other = tempfile::tempdir().unwrap();
        let err = fails(
            other.path(),
            TZ,
            NOW,
            &["restore", path.to_str().unwrap()],
            2,
        );
        assert!(err.contains("change counter"), "{generation}: {err}");
        assert!(err.contains("nothing was changed"), "{generation}: {err}");
        assert!(!err.contains("panicked"), "{generation}: {err}");
    }
    let mut snapshot = decoded.snapshot.clone();
    snapshot.generation = MAX_GENERATION;
    let highest = dir.path().join("highest.json");
    std::fs::write(
        &highest,
        backup::encode(&snapshot, decoded.created_at).unwrap(),
    )
    .unwrap();
    let other = tempfile::tempdir().unwrap();
    ok(
        other.path(),
        TZ,
        NOW,
        &["restore", highest.to_str().unwrap()],
    );
    ok(
        other.path(),
        TZ,
        NOW,
        &[
            "checkin",
            "--date",
            "2026-11-25",
            "--day",
            "worn",
            "--night",
            "worn",
        ],
    );
    let again = other.path().join("again.json");
    ok(
        other.path(),
        TZ,
        NOW,
        &["backup", "--out", again.to_str().unwrap()],
    );
    let written = backup::decode(&std::fs::read(&again).unwrap()).unwrap();
    assert!(
        written.snapshot.generation < 10,
        "{}",
        written.snapshot.generation
    );
    let third = tempfile::tempdir().unwrap();
    ok(third.path(), TZ, NOW, &["restore", again.to_str().unwrap()]);
    assert_eq!(
        status_json(third.path(), TZ, NOW),
        status_json(other.path(), TZ, NOW)
    );
}

/// The automatic backup's sidecar holding u64::MAX is not a number the store can follow on
/// from: it is ignored as unreadable, and neither opening nor `recover` panics.
#[test]
fn a_sidecar_change_counter_of_u64_max_panics_nothing() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let before = status_json(dir.path(), TZ, NOW);
    std::fs::write(
        dir.path().join("auto-backup.generation"),
        format!("{}\n", u64::MAX),
    )
    .unwrap();
    assert_eq!(status_json(dir.path(), TZ, NOW), before);
    let out = run(dir.path(), TZ, NOW, &["recover"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_ne!(out.status.code(), Some(101), "recover panicked: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(status_json(dir.path(), TZ, NOW), before);
}

#[test]
fn backup_and_restore_round_trip_and_refuse_bad_files() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let file = dir.path().join("mine.json");
    let out = ok(
        dir.path(),
        TZ,
        NOW,
        &["backup", "--out", file.to_str().unwrap()],
    );
    assert!(out.contains("1 session(s), 5 check-in(s)"), "{out}");
    let before = status_json(dir.path(), TZ, NOW);

    let other = tempfile::tempdir().unwrap();
    ok(other.path(), TZ, NOW, &["restore", file.to_str().unwrap()]);
    assert_eq!(status_json(other.path(), TZ, NOW), before);

    // A non-empty store asks for confirmation first.
    let err = fails(dir.path(), TZ, NOW, &["restore", file.to_str().unwrap()], 2);
    assert!(err.contains("--yes"), "{err}");
    ok(
        dir.path(),
        TZ,
        NOW,
        &["restore", "--yes", file.to_str().unwrap()],
    );
    assert_eq!(status_json(dir.path(), TZ, NOW), before);

    let bytes = std::fs::read(&file).unwrap();
    let text = String::from_utf8(bytes.clone()).unwrap();
    let bad = [
        (
            "truncated.json",
            bytes[..bytes.len() / 2].to_vec(),
            "incomplete",
        ),
        (
            "foreign.json",
            b"{\"hello\": 1}".to_vec(),
            "not an Aftercare backup",
        ),
        (
            "garbage.json",
            b"\x00\x01binary".to_vec(),
            "not an Aftercare backup",
        ),
        (
            "newer.json",
            text.replacen("\"version\": 1", "\"version\": 7", 1)
                .into_bytes(),
            "newer Aftercare",
        ),
        (
            "orphan.json",
            text.replace("\"session\": \"2026-11-20\"", "\"session\": \"1999-01-01\"")
                .into_bytes(),
            "unknown session",
        ),
    ];
    for (name, content, needle) in bad {
        let path = dir.path().join(name);
        std::fs::write(&path, content).unwrap();
        let err = fails(
            dir.path(),
            TZ,
            NOW,
            &["restore", "--yes", path.to_str().unwrap()],
            2,
        );
        assert!(err.contains(needle), "{name}: {err}");
        assert!(err.contains("nothing was changed"), "{name}: {err}");
        assert_eq!(
            status_json(dir.path(), TZ, NOW),
            before,
            "{name} changed the store"
        );
    }
}

/// A backup file kept from an earlier version (see tests/fixtures/README.md).
fn old_backup(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

/// Everything in the store of `dir`, as today's backup writes it.
fn backed_up(dir: &Path) -> serde_json::Value {
    let file = dir.join("check.json");
    ok(dir, TZ, NOW, &["backup", "--out", file.to_str().unwrap()]);
    serde_json::from_slice(&std::fs::read(&file).unwrap()).expect("a backup is JSON")
}

/// The current answer of the check-in of `date`.
fn checkin_of<'a>(store: &'a serde_json::Value, date: &str) -> &'a serde_json::Value {
    store["data"]["checkins"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["date"] == date)
        .unwrap_or_else(|| panic!("no check-in for {date} in {store}"))
}

/// What a backup kept from an earlier version holds.
struct OldBackup {
    file: &'static str,
    /// What `restore` says.
    said: &'static str,
    sessions: &'static [&'static str],
    checkin_time: &'static str,
    language: Option<&'static str>,
    /// The delivery log: (reminder id, state).
    deliveries: &'static [(&'static str, &'static str)],
}

/// Backups written by earlier versions (without the checksum, the delivery log or later
/// settings; keys sorted before `preserve_order`) restore through the command line into an
/// empty data folder, with every session, check-in, setting and delivery they hold.
#[test]
fn backups_written_by_older_versions_restore_through_the_cli() {
    let cases = [
        OldBackup {
            file: "backup-v1-1acf1b6-foundation.json",
            said: "Restored 1 session(s), 3 check-in(s) (0 earlier version(s)) from",
            sessions: &["2026-11-10"],
            checkin_time: "19:30:00",
            language: Some("es"),
            deliveries: &[],
        },
        OldBackup {
            file: "backup-v1-19fbb45-delivery-log.json",
            said: "Restored 2 session(s), 4 check-in(s) (1 earlier version(s)) from",
            sessions: &["2026-11-10", "2026-12-08"],
            checkin_time: "20:00:00",
            language: None,
            deliveries: &[("checkin:2026-11-10:2026-11-14", "opened")],
        },
        OldBackup {
            file: "backup-v1-a312e40-before-checksum.json",
            said: "Restored 2 session(s), 4 check-in(s) (1 earlier version(s)) from",
            sessions: &["2026-11-10", "2026-12-08"],
            checkin_time: "20:00:00",
            language: None,
            deliveries: &[],
        },
    ];
    for OldBackup {
        file: name,
        said,
        sessions,
        checkin_time,
        language,
        deliveries,
    } in cases
    {
        let dir = tempfile::tempdir().unwrap();
        let file = old_backup(name);
        let out = ok(dir.path(), TZ, NOW, &["restore", file.to_str().unwrap()]);
        assert!(out.contains(said), "{name}: {out}");

        let status = status_json(dir.path(), TZ, NOW);
        let ids: Vec<&str> = status["sessions"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| s["id"].as_str().unwrap())
            .collect();
        assert_eq!(ids, *sessions, "{name}: {status}");

        let store = backed_up(dir.path());
        let data = &store["data"];
        let first = &data["sessions"][0];
        assert_eq!(first["tz"], "Europe/Berlin", "{name}");
        assert_eq!(first["end_time"], "14:30:00", "{name}");
        assert_eq!(first["areas"][1], "right-knee", "{name}");
        assert_eq!(first["clinic"]["name"], "Clínica Vena Sana", "{name}");
        assert_eq!(first["note"], "Bring stockings — talla M; Ωμέγα", "{name}");
        assert_eq!(first["plan"]["phases"][1]["wear"], "daytime", "{name}");

        let day1 = checkin_of(&store, "2026-11-10");
        assert_eq!(day1["current"]["note"], "Felt fine; ça va ✓", "{name}");
        assert_eq!(day1["current"]["walking_minutes"], 30, "{name}");
        let day2 = checkin_of(&store, "2026-11-11");
        assert_eq!(day2["current"]["day"]["minutes"], 20, "{name}");
        assert_eq!(day2["current"]["day"]["reason"], "shower", "{name}");
        assert_eq!(
            day2["current"]["symptoms"],
            serde_json::json!(["bruising", "itching"]),
            "{name}"
        );
        let day3 = checkin_of(&store, "2026-11-12");
        assert_eq!(
            day3["current"]["symptoms"][0], "one-leg-pain-swelling",
            "{name}"
        );
        assert_eq!(day3["current"]["late"], true, "{name}");
        if sessions.len() > 1 {
            let day4 = checkin_of(&store, "2026-11-13");
            assert_eq!(
                day4["history"][0]["recorded_at"],
                "2026-11-13T21:00:00+01:00"
            );
            assert_eq!(day4["current"]["day"]["reason"], "itching", "{name}");
        }

        let settings = &data["settings"];
        assert_eq!(settings["checkin_time"], checkin_time, "{name}");
        assert_eq!(settings["language"].as_str(), language, "{name}");
        // Added after the foundation: its default.
        assert_eq!(settings["morning_time"], "08:00:00", "{name}");

        let log: Vec<(&str, &str)> = data["deliveries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| (d["id"].as_str().unwrap(), d["state"].as_str().unwrap()))
            .collect();
        assert_eq!(log, *deliveries, "{name}");
    }
}

/// Regression: the checksum was computed over the snapshot after `migrate` had read it, with
/// the defaults of fields added since filled in. A checksummed version-1 file without such a
/// field (`deliveries`, `settings.morning_time`, or `settings` altogether) then summed
/// differently from what its writer summed, and was refused as damaged. The checksum now
/// covers the file's own `created_at` and `data`.
#[test]
fn a_checksummed_backup_missing_fields_added_later_still_imports() {
    let crc = |bytes: &[u8]| format!("crc32:{:08x}", crc32fast::hash(bytes));
    let old: serde_json::Value = serde_json::from_slice(
        &std::fs::read(old_backup("backup-v1-1acf1b6-foundation.json")).unwrap(),
    )
    .unwrap();
    assert!(old["data"].get("deliveries").is_none());
    assert!(old["data"]["settings"].get("morning_time").is_none());
    let mut without_settings = old.clone();
    without_settings["data"]
        .as_object_mut()
        .unwrap()
        .remove("settings");
    let work = tempfile::tempdir().unwrap();
    for (name, mut file, language) in [
        ("foundation", old, serde_json::json!("es")),
        ("no-settings", without_settings, serde_json::Value::Null),
    ] {
        // The sum over the file's own content, as its writer would have made it.
        let sum = crc(&serde_json::to_vec(&(&file["created_at"], &file["data"])).unwrap());
        // What the old code compared it with: the snapshot as read, defaults filled in.
        let read = aftercare::domain::backup::decode(&serde_json::to_vec(&file).unwrap()).unwrap();
        let as_read = crc(&serde_json::to_vec(&(read.created_at, &read.snapshot)).unwrap());
        assert_ne!(sum, as_read, "{name}: the case does not show the bug");
        file["checksum"] = sum.into();
        let text = serde_json::to_string_pretty(&file).unwrap();
        let path = work.path().join(format!("{name}.json"));
        std::fs::write(&path, &text).unwrap();

        let dir = tempfile::tempdir().unwrap();
        let out = ok(dir.path(), TZ, NOW, &["restore", path.to_str().unwrap()]);
        assert!(
            out.contains("Restored 1 session(s), 3 check-in(s)"),
            "{name}: {out}"
        );
        let store = backed_up(dir.path());
        assert_eq!(store["data"]["settings"]["language"], language, "{name}");
        assert_eq!(store["data"]["settings"]["morning_time"], "08:00:00");
        assert_eq!(
            checkin_of(&store, "2026-11-12")["current"]["note"],
            "Right calf warm, called the clinic"
        );

        // The checksum still does its job on such a file: a changed number is refused.
        let changed = text.replacen("\"walking_minutes\": 30", "\"walking_minutes\": 31", 1);
        assert_ne!(changed, text);
        let path = work.path().join(format!("{name}-changed.json"));
        std::fs::write(&path, changed).unwrap();
        let other = tempfile::tempdir().unwrap();
        let err = fails(
            other.path(),
            TZ,
            NOW,
            &["restore", path.to_str().unwrap()],
            2,
        );
        assert!(err.contains("checksum"), "{name}: {err}");
        assert!(status_json(other.path(), TZ, NOW)["sessions"]
            .as_array()
            .unwrap()
            .is_empty());
    }
}

#[test]
fn future_session_shows_its_checklist() {
    let dir = tempfile::tempdir().unwrap();
    ok(
        dir.path(),
        TZ,
        NOW,
        &[
            "session",
            "add",
            "--date",
            "2026-12-10",
            "--end-time",
            "11:00",
        ],
    );
    let s = status_json(dir.path(), TZ, NOW);
    assert_eq!(s["sessions"][0]["future"], true);
    assert_eq!(s["sessions"][0]["day_index"], serde_json::Value::Null);
    assert_eq!(
        s["sessions"][0]["checklist_open"],
        serde_json::json!(["measured", "ordered", "ready"])
    );
    let out = ok(
        dir.path(),
        TZ,
        NOW,
        &[
            "checklist",
            "--session",
            "2026-12-10",
            "--done",
            "measured",
            "--done",
            "ordered",
        ],
    );
    assert!(out.contains("Stockings ready to bring"), "{out}");
    let s = status_json(dir.path(), TZ, NOW);
    assert_eq!(
        s["sessions"][0]["checklist_open"],
        serde_json::json!(["ready"])
    );
    // A second session the same day gets its own id.
    let out = ok(
        dir.path(),
        TZ,
        NOW,
        &[
            "session",
            "add",
            "--date",
            "2026-12-10",
            "--end-time",
            "16:00",
        ],
    );
    assert!(out.contains("Saved session 2026-12-10-2"), "{out}");
    let list = ok(dir.path(), TZ, NOW, &["session", "list"]);
    assert_eq!(list.lines().count(), 2, "{list}");
}

#[test]
fn help_and_plain_status_read_well() {
    let dir = tempfile::tempdir().unwrap();
    let out = run(dir.path(), TZ, NOW, &["--help"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("checkin"));
    let empty = ok(dir.path(), TZ, NOW, &["status"]);
    assert!(empty.contains("No sessions yet"), "{empty}");
    seed(dir.path());
    let text = ok(dir.path(), TZ, NOW, &["status"]);
    assert!(text.contains("Day 6 of 14"), "{text}");
    assert!(
        text.contains("Stockings off: Fri 2026-12-04 15:30 CET"),
        "{text}"
    );
}

/// The benchmarks' seeded history is what they claim: a year of sessions 15 days apart, every
/// past date checked in, Today on day 5 of the latest plan; an occupied folder is refused, and
/// the timed commands run on it.
#[test]
fn seeded_history_for_the_benchmarks_is_a_year_of_check_ins() {
    let tz = "Europe/Berlin";
    let now = "2026-11-25T20:05:00+01:00";
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let out = super::support::ok(
        a.path(),
        tz,
        now,
        &["debug", "seed-history", "--years", "1"],
    );
    assert!(
        out.starts_with("Seeded 25 sessions, 364 check-ins"),
        "{out}"
    );
    let status = super::support::status_json(a.path(), tz, now);
    let text = status.to_string();
    assert!(text.contains("2026-11-21"), "the latest session: {text}");
    let err = super::support::fails(
        a.path(),
        tz,
        now,
        &["debug", "seed-history", "--years", "1"],
        2,
    );
    assert!(err.contains("already holds sessions"), "{err}");
    super::support::ok(
        b.path(),
        tz,
        now,
        &["debug", "seed-history", "--years", "2"],
    );
    let out = super::support::ok(
        a.path(),
        tz,
        now,
        &[
            "debug",
            "bench-open",
            "--other",
            b.path().to_str().unwrap(),
            "--rounds",
            "1",
        ],
    );
    assert!(
        out.starts_with("open_median_us=") && out.contains(" other_median_us="),
        "{out}"
    );
    let out = super::support::ok(a.path(), tz, now, &["debug", "bench-save", "--rounds", "3"]);
    assert!(
        out.starts_with("save_median_us=") && out.contains(" floor_median_us="),
        "{out}"
    );
}

/// Issue: "`--out` renames over whatever the path is". A device, a pipe, a symbolic link
/// and a folder given as `--out` are refused with one line (exit 2) and left as they were;
/// an existing regular file is replaced whole.
#[test]
fn out_refuses_devices_pipes_links_and_folders_and_touches_none_of_them() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    let link = dir.path().join("link.json");
    std::os::unix::fs::symlink(&victim, &link).unwrap();
    let fifo = dir.path().join("pipe");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let folder = dir.path().join("folder");
    std::fs::create_dir(&folder).unwrap();
    let cases: [(&Path, &str); 4] = [
        (Path::new("/dev/null"), "not a regular file"),
        (&fifo, "not a regular file"),
        (&link, "a symbolic link"),
        (&folder, "a folder"),
    ];
    for (path, said) in cases {
        let err = fails(
            dir.path(),
            TZ,
            NOW,
            &["backup", "--out", path.to_str().unwrap()],
            2,
        );
        assert!(err.contains(said), "{}: {err}", path.display());
        assert!(err.contains("nothing was written"), "{err}");
        assert_eq!(err.lines().count(), 1, "{err}");
    }
    assert!(std::fs::metadata("/dev/null")
        .unwrap()
        .file_type()
        .is_char_device());
    assert!(std::fs::symlink_metadata(&fifo)
        .unwrap()
        .file_type()
        .is_fifo());
    assert!(std::fs::symlink_metadata(&link)
        .unwrap()
        .file_type()
        .is_symlink());
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(std::fs::symlink_metadata(&folder).unwrap().is_dir());
    // An existing regular file is replaced by the whole new one.
    let existing = dir.path().join("report.csv");
    std::fs::write(&existing, "old").unwrap();
    ok(
        dir.path(),
        TZ,
        NOW,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            existing.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read_to_string(&existing)
        .unwrap()
        .starts_with("session,"));
    // A folder that does not exist is named.
    let missing = dir.path().join("no-such-folder").join("r.csv");
    let err = fails(
        dir.path(),
        TZ,
        NOW,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            missing.to_str().unwrap(),
        ],
        2,
    );
    assert!(err.contains("does not exist"), "{err}");
}

/// Issue: "the temporary file beside `--out` is always `.NAME.tmp`". A symlink planted at
/// that name is not followed; two exports from two data folders to one path leave one
/// whole file, never a mix; a temporary file a killed export left an hour ago is cleaned up,
/// a fresh one (perhaps another export's) is not.
#[test]
fn out_writes_through_an_unpredictable_temporary_file() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let target = dir.path().join("backup.json");
    let victim = dir.path().join("victim.txt");
    std::fs::write(&victim, "keep me").unwrap();
    std::os::unix::fs::symlink(&victim, dir.path().join(".backup.json.tmp")).unwrap();
    let old = dir.path().join(".backup.json.killed.tmp");
    std::fs::write(&old, "left by a killed export").unwrap();
    std::fs::File::options()
        .write(true)
        .open(&old)
        .unwrap()
        .set_modified(std::time::SystemTime::now() - std::time::Duration::from_secs(7200))
        .unwrap();
    let fresh = dir.path().join(".backup.json.running.tmp");
    std::fs::write(&fresh, "another export's").unwrap();
    ok(
        dir.path(),
        TZ,
        NOW,
        &["backup", "--out", target.to_str().unwrap()],
    );
    assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
    assert!(!old.exists(), "the stale temporary file stayed");
    assert!(fresh.exists(), "a fresh temporary file was removed");
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| {
            n.starts_with(".backup.json.") && n != ".backup.json.tmp" && !n.contains("running")
        })
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
    // Two data folders exporting different files to one path at once.
    let other = tempfile::tempdir().unwrap();
    seed(other.path());
    ok(
        other.path(),
        TZ,
        NOW,
        &[
            "checkin",
            "--date",
            "2026-11-23",
            "--day",
            "worn",
            "--night",
            "worn",
            "--note",
            "other folder",
        ],
    );
    let shared = dir.path().join("shared.csv");
    let expected: Vec<String> = [dir.path(), other.path()]
        .iter()
        .map(|d| {
            let one = d.join("alone.csv");
            ok(
                d,
                TZ,
                NOW,
                &["export", "--format", "csv", "--out", one.to_str().unwrap()],
            );
            std::fs::read_to_string(one).unwrap()
        })
        .collect();
    assert_ne!(expected[0], expected[1]);
    for _ in 0..10 {
        let children: Vec<_> = [dir.path(), other.path()]
            .iter()
            .map(|d| {
                super::support::cmd(d, TZ, NOW)
                    .args([
                        "export",
                        "--format",
                        "csv",
                        "--out",
                        shared.to_str().unwrap(),
                    ])
                    .stdout(std::process::Stdio::null())
                    .spawn()
                    .unwrap()
            })
            .collect();
        for mut child in children {
            assert!(child.wait().unwrap().success());
        }
        let got = std::fs::read_to_string(&shared).unwrap();
        assert!(expected.contains(&got), "a mix of two exports:\n{got}");
    }
}

/// Issue: whole-file reads with no size bound. `restore` and `photo add` refuse a device, a
/// pipe (which would never end) and a file over the documented limit at once, with a
/// message, and change nothing.
#[test]
fn restore_and_photo_add_refuse_devices_pipes_and_oversized_files() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let before = status_json(dir.path(), TZ, NOW);
    let fifo = dir.path().join("pipe");
    assert!(std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap()
        .success());
    let huge = dir.path().join("huge.json");
    std::fs::File::create(&huge)
        .unwrap()
        .set_len(aftercare::domain::backup::MAX_BACKUP_BYTES + 1)
        .unwrap();
    let huge_photo = dir.path().join("huge.jpg");
    std::fs::File::create(&huge_photo)
        .unwrap()
        .set_len(aftercare::domain::photo::MAX_INPUT_BYTES as u64 + 1)
        .unwrap();
    let photo = |file: &Path| {
        vec![
            "photo".to_string(),
            "add".into(),
            "--session".into(),
            "2026-11-20".into(),
            "--area".into(),
            "right-knee".into(),
            "--kind".into(),
            "baseline".into(),
            file.to_str().unwrap().into(),
        ]
    };
    let restore = |file: &Path| {
        vec![
            "restore".to_string(),
            "--yes".into(),
            file.to_str().unwrap().into(),
        ]
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (restore(Path::new("/dev/zero")), "not a regular file"),
        (restore(&fifo), "not a regular file"),
        (restore(&huge), "larger than"),
        (photo(Path::new("/dev/zero")), "not a regular file"),
        (photo(&fifo), "not a regular file"),
        (photo(&huge_photo), "larger than"),
    ];
    for (args, said) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = fails(dir.path(), TZ, NOW, &args, 2);
        assert!(err.contains(said), "{args:?}: {err}");
    }
    assert_eq!(status_json(dir.path(), TZ, NOW), before);
}

/// Issue: input that was accepted but wrong is refused with one line and exit 2, and
/// nothing is saved.
#[test]
fn input_that_was_accepted_but_wrong_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let before = status_json(dir.path(), TZ, NOW);
    let add = |extra: &[&str]| {
        let mut line = vec!["session", "add", "--end-time", "15:30"];
        line.extend_from_slice(extra);
        line.into_iter().map(String::from).collect::<Vec<_>>()
    };
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            add(&["--date", "2026-11-24", "--areas", "left-knee,,right-knee"]),
            "empty item",
        ),
        (
            add(&["--date", "+2026-11-24", "--areas", "left-knee"]),
            "is not a date",
        ),
        (
            add(&["--date", "02026-11-24", "--areas", "left-knee"]),
            "is not a date",
        ),
        (
            add(&["--date", "9999-12-01", "--areas", "left-knee"]),
            "out of range",
        ),
        (
            add(&["--date", "1999-12-31", "--areas", "left-knee"]),
            "out of range",
        ),
        (
            add(&[
                "--date",
                "2026-11-24",
                "--areas",
                "left-knee",
                "--clinic-name",
                "Two\nlines",
            ]),
            "control character",
        ),
        (
            [
                "checkin",
                "--date",
                "2026-11-23",
                "--day",
                "worn",
                "--night",
                "worn",
                "--off-minutes",
                "10",
                "--reason",
                "shower",
            ]
            .map(String::from)
            .to_vec(),
            "go with a partial answer",
        ),
        (
            [
                "checkin",
                "--date",
                "2026-11-23",
                "--day",
                "partial",
                "--off-minutes",
                "10",
                "--reason",
                "shower",
                "--night",
                "worn",
                "--night-off-minutes",
                "5",
            ]
            .map(String::from)
            .to_vec(),
            "go with --night partial",
        ),
        (
            vec![
                "checkin".into(),
                "--date".into(),
                "2026-11-23".into(),
                "--day".into(),
                "worn".into(),
                "--night".into(),
                "worn".into(),
                "--note".into(),
                "x".repeat(aftercare::domain::text::MAX_NOTE_CHARS + 1),
            ],
            "too long",
        ),
    ];
    for (args, said) in cases {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let err = fails(dir.path(), TZ, NOW, &args, 2);
        assert!(err.contains(said), "{args:?}: {err}");
        assert_eq!(err.lines().count(), 1, "{args:?}: {err}");
    }
    assert_eq!(status_json(dir.path(), TZ, NOW), before);
    let blank = fails(dir.path(), TZ, " ", &["status"], 2);
    assert!(blank.contains("--now"), "{blank}");
    // An unknown session id holding a line break is named on one line.
    let forged = fails(
        dir.path(),
        TZ,
        NOW,
        &[
            "checkin",
            "--session",
            "x\nRED FLAG",
            "--date",
            "2026-11-23",
            "--day",
            "worn",
            "--night",
            "worn",
        ],
        2,
    );
    assert_eq!(forged.lines().count(), 1, "{forged}");
    let help = run(dir.path(), TZ, NOW, &["help", "bogus"]);
    assert_eq!(help.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&help.stderr).contains("unknown command \"bogus\""));
    // A partial night borrows --off-minutes and --reason: still accepted.
    ok(
        dir.path(),
        TZ,
        NOW,
        &[
            "checkin",
            "--date",
            "2026-11-23",
            "--day",
            "worn",
            "--night",
            "partial",
            "--off-minutes",
            "10",
            "--reason",
            "shower",
        ],
    );
}

/// Issue: restore accepts what the command line refuses. A backup whose content breaks the
/// entry rules is refused with a message naming the problem, and nothing is changed.
#[test]
fn restore_validates_with_the_rules_of_the_command_line() {
    use aftercare::domain::backup;
    use aftercare::domain::checkin::{RemovalReason, WearAnswer};
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let knee = dir.path().join("knee.jpg");
    std::fs::write(&knee, super::photos::jpeg_fixture(64, 48)).unwrap();
    ok(
        dir.path(),
        TZ,
        NOW,
        &[
            "photo",
            "add",
            "--session",
            "2026-11-20",
            "--area",
            "right-knee",
            "--kind",
            "baseline",
            knee.to_str().unwrap(),
        ],
    );
    let file = dir.path().join("mine.json");
    ok(
        dir.path(),
        TZ,
        NOW,
        &["backup", "--out", file.to_str().unwrap()],
    );
    let good = backup::decode(&std::fs::read(&file).unwrap()).unwrap();
    type Breakage = (&'static str, fn(&mut backup::Snapshot), &'static str);
    /// Gives the session another id everywhere it is named, so that only the id's form is
    /// wrong.
    fn rename(s: &mut backup::Snapshot, id: &str) {
        let old = s.sessions[0].id.clone();
        s.sessions[0].id = id.into();
        for c in s.checkins.iter_mut().filter(|c| c.session == old) {
            c.session = id.into();
        }
        for p in s.photos.iter_mut().filter(|p| p.session == old) {
            p.session = id.into();
        }
    }
    let breakages: [Breakage; 7] = [
        (
            "id with a newline",
            |s| rename(s, "2026-11-20\nRED FLAG"),
            "does not match its date",
        ),
        (
            "id with ESC",
            |s| rename(s, "\u{1b}[31m"),
            "does not match its date",
        ),
        ("empty id", |s| rename(s, ""), "does not match its date"),
        (
            "id with a slash",
            |s| rename(s, "2026-11-20/x"),
            "does not match its date",
        ),
        (
            "65535 minutes off",
            |s| {
                s.checkins[1].current.day = Some(WearAnswer::OffBriefly {
                    minutes: u16::MAX,
                    reason: RemovalReason::Shower,
                })
            },
            "not brief",
        ),
        (
            "a missing answer",
            |s| s.checkins[1].current.day = None,
            "asks about",
        ),
        (
            "two photos sharing one file",
            |s| {
                let mut twin = s.photos[0].clone();
                twin.id.push_str("-twin");
                s.photos.push(twin);
            },
            "shares its file",
        ),
    ];
    for (name, breakage, said) in breakages {
        let mut snapshot = good.snapshot.clone();
        breakage(&mut snapshot);
        let path = dir.path().join("broken.json");
        std::fs::write(&path, backup::encode(&snapshot, good.created_at).unwrap()).unwrap();
        let other = tempfile::tempdir().unwrap();
        let err = fails(
            other.path(),
            TZ,
            NOW,
            &["restore", path.to_str().unwrap()],
            2,
        );
        assert!(err.contains(said), "{name}: {err}");
        assert!(err.contains("nothing was changed"), "{name}: {err}");
        assert_eq!(err.lines().count(), 1, "{name}: {err}");
    }
}

/// Issue: a garbled automatic-backup sidecar number is not "the store has lost data": the
/// backup itself is asked, and the sidecar mended.
#[test]
fn a_wrong_sidecar_number_is_mended_from_the_backup_itself() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let before = status_json(dir.path(), TZ, NOW);
    let sidecar = dir.path().join("auto-backup.generation");
    let held: u64 = std::fs::read_to_string(&sidecar)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    std::fs::write(&sidecar, format!("{}\n", held + 90)).unwrap();
    assert_eq!(status_json(dir.path(), TZ, NOW), before);
    let mended: u64 = std::fs::read_to_string(&sidecar)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    assert_eq!(mended, held);
}

/// Issue: a POSIX `TZ` string made every command exit 2. A fixed offset is read as its
/// Etc/GMT zone; one with summer-time rules falls back to the system zone with a warning.
#[test]
fn posix_tz_strings_are_read_or_fall_back_with_a_warning() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    for (tz, zone) in [("UTC0", "UTC"), ("<+03>-3", "Etc/GMT-3")] {
        let out = run(dir.path(), tz, NOW, &["status", "--json"]);
        assert!(
            out.status.success(),
            "{tz}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(json["zone"], zone, "{tz}");
    }
    let out = run(dir.path(), "CET-1CEST,M3.5.0,M10.5.0/3", NOW, &["status"]);
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a POSIX rule, not an IANA zone name"));
}

/// Issue: `remind` with no notification service spoke D-Bus ("autolaunch"). It now says
/// plainly what to do, and names no bus.
#[test]
fn remind_without_a_notification_service_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    seed(dir.path());
    let out = super::support::cmd(dir.path(), TZ, NOW)
        .arg("remind")
        .env(
            "DBUS_SESSION_BUS_ADDRESS",
            "unix:path=/nonexistent/aftercare-test-bus",
        )
        .env_remove("DISPLAY")
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no desktop notification service answered"),
        "{err}"
    );
    assert!(err.contains("open Aftercare"), "{err}");
    let lower = err.to_lowercase();
    assert!(
        !lower.contains("autolaunch") && !lower.contains("dbus") && !lower.contains("d-bus"),
        "{err}"
    );
}

/// A read-only bind mount of a folder, undone when dropped (also when the test fails).
struct ReadOnlyMount(PathBuf);

impl ReadOnlyMount {
    /// Mounts `from` read-only at `at`. Needs root, as CI and the developers' machines have;
    /// without it the test fails rather than pass without having run.
    fn new(from: &Path, at: &Path) -> ReadOnlyMount {
        std::fs::create_dir_all(at).unwrap();
        let mount = |args: &[&std::ffi::OsStr]| {
            let status = std::process::Command::new("mount")
                .args(args)
                .status()
                .unwrap();
            assert!(
                status.success(),
                "mount {args:?} failed: this test needs root"
            );
        };
        mount(&[
            std::ffi::OsStr::new("--bind"),
            from.as_os_str(),
            at.as_os_str(),
        ]);
        let guard = ReadOnlyMount(at.to_path_buf());
        mount(&[
            std::ffi::OsStr::new("-o"),
            std::ffi::OsStr::new("remount,ro,bind"),
            at.as_os_str(),
        ]);
        guard
    }
}

impl Drop for ReadOnlyMount {
    fn drop(&mut self) {
        let _ = std::process::Command::new("umount").arg(&self.0).status();
    }
}

/// Issue: on a read-only file system even `status` failed. Commands that only read now run
/// on the automatic backup, with a warning; a save is refused with a message that names the
/// folder and is not "damaged".
#[test]
fn a_read_only_data_folder_still_shows_status_from_its_automatic_backup() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    seed(&data);
    let before = status_json(&data, TZ, NOW);
    let ro = root.path().join("read-only");
    let _mount = ReadOnlyMount::new(&data, &ro);
    let out = run(&ro, TZ, NOW, &["status", "--json"]);
    let warning = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{warning}");
    assert!(warning.contains("cannot be written"), "{warning}");
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["sessions"], before["sessions"]);
    let report = root.path().join("report.csv");
    ok(
        &ro,
        TZ,
        NOW,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            report.to_str().unwrap(),
        ],
    );
    assert!(std::fs::read_to_string(&report)
        .unwrap()
        .contains("2026-11-21"));
    let err = fails(
        &ro,
        TZ,
        NOW,
        &[
            "checkin",
            "--date",
            "2026-11-23",
            "--day",
            "worn",
            "--night",
            "worn",
        ],
        3,
    );
    assert!(err.contains("may not read or write"), "{err}");
    assert!(!err.contains("damaged"), "{err}");
}

/// Issue: an unreadable store was called "damaged", with advice to recover. Run as another
/// user (`setpriv`, as root does in CI) on a folder whose sled log belongs to root alone:
/// the message names the file and the permissions, not damage, and nothing is moved aside.
#[test]
fn an_unreadable_store_is_a_permission_problem_not_damage() {
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    seed(&data);
    let chown = |args: &[&std::ffi::OsStr]| {
        let status = std::process::Command::new("chown")
            .args(args)
            .status()
            .unwrap();
        assert!(status.success(), "chown {args:?}: this test needs root");
    };
    use std::ffi::OsStr;
    chown(&[
        OsStr::new("-R"),
        OsStr::new("nobody:nogroup"),
        root.path().as_os_str(),
    ]);
    chown(&[
        OsStr::new("root:root"),
        data.join("store").join("db").as_os_str(),
    ]);
    let out = std::process::Command::new("setpriv")
        .args(["--reuid=nobody", "--regid=nogroup", "--clear-groups", "--"])
        .arg(bin())
        .args(["--data-dir"])
        .arg(&data)
        .args([
            "--now",
            NOW,
            "checkin",
            "--date",
            "2026-11-23",
            "--day",
            "worn",
            "--night",
            "worn",
        ])
        .env("TZ", TZ)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(3), "{err}");
    assert!(err.contains("may not read or write"), "{err}");
    assert!(err.contains("store/db") || err.contains("store"), "{err}");
    assert!(!err.contains("damaged"), "{err}");
    assert!(!err.contains("recover"), "{err}");
    let aside = std::fs::read_dir(&data)
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| {
            e.file_name()
                .to_string_lossy()
                .starts_with("store.damaged-")
        });
    assert!(!aside);
}
