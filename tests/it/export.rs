//! Sharing with the clinic: `aftercare export` in every format against a real store, golden
//! files, and every output read back by an independent parser (csv reader, the `ical`
//! parser, `pdf-extract`, fhirbolt's R4 model).
//!
//! Golden files live in tests/golden/; `AFTERCARE_UPDATE_GOLDEN=1` rewrites them (review the
//! diff before committing).

use super::support::{cmd, fails, ok, DEJAVU};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const TZ: &str = "Europe/Berlin";
const NOW: &str = "2026-11-15T10:00:00+01:00";

/// One session with four check-ins: a red flag, a late one, an edited one, notes in several
/// scripts, and a second session still to come.
pub fn fixture(dir: &Path) {
    ok(
        dir,
        TZ,
        "2026-11-10T15:00:00+01:00",
        &[
            "session",
            "add",
            "--date",
            "2026-11-10",
            "--end-time",
            "14:30",
            "--tz",
            TZ,
            "--areas",
            "left-calf-back,right-knee",
            "--sclerosant",
            "Polidocanol 0.5 %",
            "--stocking-class",
            "CCL 2",
            "--stocking-length",
            "thigh",
            "--clinic-name",
            "Clínica Vena Sana",
            "--clinic-phone",
            "+34 910 000 000",
            "--phases",
            "3:continuous,11:daytime",
            "--note",
            "Bring stockings — talla M; Ωμέγα",
        ],
    );
    ok(
        dir,
        TZ,
        "2026-11-10T21:00:00+01:00",
        &[
            "checkin",
            "--date",
            "2026-11-10",
            "--day",
            "worn",
            "--walk-minutes",
            "30",
            "--note",
            "Felt fine; ça va ✓",
        ],
    );
    ok(
        dir,
        TZ,
        "2026-11-11T20:00:00+01:00",
        &[
            "checkin",
            "--date",
            "2026-11-11",
            "--night",
            "worn",
            "--day",
            "partial",
            "--off-minutes",
            "20",
            "--reason",
            "shower",
            "--walk-minutes",
            "45",
            "--symptom",
            "bruising",
            "--symptom",
            "itching",
        ],
    );
    ok(
        dir,
        TZ,
        "2026-11-13T20:00:00+01:00",
        &[
            "checkin",
            "--date",
            "2026-11-12",
            "--night",
            "not-worn",
            "--day",
            "worn",
            "--symptom",
            "one-leg-pain-swelling",
            "--note",
            "Right calf warm, called the clinic",
        ],
    );
    ok(
        dir,
        TZ,
        "2026-11-13T21:00:00+01:00",
        &[
            "checkin",
            "--date",
            "2026-11-13",
            "--night",
            "worn",
            "--day",
            "worn",
            "--walk-minutes",
            "60",
        ],
    );
    ok(
        dir,
        TZ,
        "2026-11-13T22:00:00+01:00",
        &[
            "checkin",
            "--date",
            "2026-11-13",
            "--night",
            "worn",
            "--day",
            "partial",
            "--off-minutes",
            "15",
            "--reason",
            "itching",
            "--walk-minutes",
            "60",
            "--note",
            "Changed: took them off for the itching",
        ],
    );
    ok(
        dir,
        TZ,
        "2026-11-14T09:00:00+01:00",
        &[
            "session",
            "add",
            "--date",
            "2026-12-08",
            "--end-time",
            "11:00",
            "--tz",
            TZ,
            "--areas",
            "right-calf-front",
        ],
    );
}

fn export(dir: &Path, format: &str, extra: &[&str]) -> Vec<u8> {
    let out = dir.join(format!("out-{format}-{}", extra.join("_").replace('-', "")));
    let mut args = vec!["export", "--format", format, "--out", out.to_str().unwrap()];
    args.extend_from_slice(extra);
    ok(dir, TZ, NOW, &args);
    std::fs::read(&out).unwrap()
}

fn golden(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/golden")
        .join(name)
}

/// Compares with the golden file, or rewrites it when asked to.
fn check_golden(name: &str, bytes: &[u8]) {
    let path = golden(name);
    if std::env::var_os("AFTERCARE_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, bytes).unwrap();
        return;
    }
    let want = std::fs::read(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e} (AFTERCARE_UPDATE_GOLDEN=1 writes it)",
            path.display()
        )
    });
    if want != bytes {
        let got = path.with_extension("new");
        std::fs::write(&got, bytes).unwrap();
        panic!(
            "{name} differs from its golden file; the new output is in {} (diff them; \
             AFTERCARE_UPDATE_GOLDEN=1 accepts it)",
            got.display()
        );
    }
}

#[test]
fn every_format_matches_its_golden_file_and_is_deterministic() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    for (format, name) in [
        ("pdf", "report.pdf"),
        ("csv", "checkins.csv"),
        ("fhir", "bundle.fhir.json"),
        ("ics", "plan.ics"),
        ("backup", "backup.json"),
    ] {
        let first = export(dir.path(), format, &[]);
        let again = export(
            dir.path(),
            format,
            &["--session", "2026-11-10", "--session", "2026-12-08"],
        );
        assert_eq!(first, again, "{format}: two runs differ");
        check_golden(name, &first);
    }
}

#[test]
fn a_note_a_spreadsheet_would_run_as_a_formula_is_written_as_text() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let note = "=HYPERLINK(\"http://evil.example\",\"click\")";
    ok(
        dir.path(),
        TZ,
        "2026-11-14T21:00:00+01:00",
        &[
            "checkin",
            "--date",
            "2026-11-14",
            "--day",
            "worn",
            "--note",
            note,
        ],
    );
    let bytes = export(dir.path(), "csv", &[]);
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header = reader.headers().unwrap().clone();
    let at = |name: &str| header.iter().position(|h| h == name).unwrap();
    let row = reader
        .records()
        .map(Result::unwrap)
        .find(|r| &r[at("date")] == "2026-11-14")
        .unwrap();
    assert_eq!(&row[at("note")], format!("'{note}"));
    // No cell of the file starts a formula.
    for record in csv::Reader::from_reader(bytes.as_slice()).records() {
        for cell in record.unwrap().iter() {
            assert!(
                !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                "{cell}"
            );
        }
    }
}

#[test]
fn the_csv_reads_back_with_the_documented_columns() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let bytes = export(dir.path(), "csv", &["--session", "2026-11-10"]);
    let mut reader = csv::Reader::from_reader(bytes.as_slice());
    let header: Vec<String> = reader.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, aftercare::domain::export::csv::COLUMNS);
    let docs =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("docs/sharing.md"))
            .unwrap();
    for c in &header {
        assert!(
            docs.contains(&format!("`{c}`")),
            "docs/sharing.md does not describe {c}"
        );
    }
    let rows: Vec<BTreeMap<String, String>> = reader
        .records()
        .map(|r| {
            header
                .iter()
                .cloned()
                .zip(r.unwrap().iter().map(String::from))
                .collect()
        })
        .collect();
    // 14 days ending mid-day: 15 dates.
    assert_eq!(rows.len(), 15);
    let by_date = |d: &str| rows.iter().find(|r| r["date"] == d).unwrap();
    let r = by_date("2026-11-11");
    assert_eq!(
        (
            r["state"].as_str(),
            r["day_wear"].as_str(),
            r["day_minutes_off"].as_str(),
            r["day_reason"].as_str()
        ),
        ("partial", "partial", "20", "shower")
    );
    assert_eq!(r["symptoms"], "bruising;itching");
    let r = by_date("2026-11-12");
    assert_eq!(
        (
            r["night"].as_str(),
            r["red_flags"].as_str(),
            r["late"].as_str()
        ),
        ("not-worn", "one-leg-pain-swelling", "true")
    );
    let r = by_date("2026-11-13");
    assert_eq!(
        (r["edited"].as_str(), r["earlier_versions"].as_str()),
        ("true", "1")
    );
    assert_eq!(by_date("2026-11-14")["state"], "not-recorded");
    assert_eq!(by_date("2026-11-10")["night"], "not-asked");
    assert_eq!(by_date("2026-11-10")["note"], "Felt fine; ça va ✓");
    for r in &rows {
        for key in ["planned_from", "planned_to", "recorded_at"] {
            if !r[key].is_empty() {
                chrono::DateTime::parse_from_rfc3339(&r[key])
                    .unwrap_or_else(|e| panic!("{key} {}: {e}", r[key]));
                assert!(
                    r[key].ends_with("+01:00"),
                    "{key} has its offset: {}",
                    r[key]
                );
            }
        }
        chrono::NaiveDate::parse_from_str(&r["date"], "%Y-%m-%d").unwrap();
    }
}

#[test]
fn leaving_notes_and_symptoms_out_removes_them_from_every_format() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let args = ["--no-notes", "--no-symptoms"];
    for format in ["csv", "fhir", "pdf"] {
        let bytes = export(dir.path(), format, &args);
        let text = if format == "pdf" {
            pdf_extract::extract_text_from_mem(&bytes).unwrap()
        } else {
            String::from_utf8(bytes).unwrap()
        };
        for secret in [
            "ça va",
            "Right calf warm",
            "bruising",
            "one-leg-pain-swelling",
            "talla M",
        ] {
            assert!(!text.contains(secret), "{format} still holds '{secret}'");
        }
        if format == "pdf" {
            assert!(text.contains("The patient chose not to include notes."));
            assert!(text.contains("The patient chose not to include symptoms."));
        }
    }
}

#[test]
fn the_pdf_text_reads_back_with_an_independent_extractor() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let bytes = export(dir.path(), "pdf", &[]);
    assert!(bytes.starts_with(b"%PDF-"));
    let text = pdf_extract::extract_text_from_mem(&bytes).unwrap();
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    for want in [
        "Compression report",
        "Session of Tuesday, 10 November 2026",
        "Tuesday, 24 November 2026 14:30 (Europe/Berlin +01:00)",
        "Polidocanol 0.5 %",
        "Clínica Vena Sana",
        "Left: calf, back; Right: knee",
        "2 of 5 dates (40 %)",
        "2 of 3 dates (67 %)",
        "Pain, swelling or warmth in one calf or thigh",
        "Felt fine; ça va ✓",
        "Bring stockings — talla M; Ωμέγα",
        "edited",
        "late",
        "page 1 of 2",
        "page 2 of 2",
        "Session of Tuesday, 8 December 2026",
    ] {
        assert!(flat.contains(want), "the PDF text lacks '{want}':\n{flat}");
    }
    // One page per session here; the chosen session alone gives one page.
    let one = export(dir.path(), "pdf", &["--session", "2026-12-08"]);
    let text = pdf_extract::extract_text_from_mem(&one).unwrap();
    assert!(text.contains("page 1 of 1") && !text.contains("Polidocanol"));
}

#[test]
fn the_calendar_reads_back_with_an_independent_parser() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let bytes = export(dir.path(), "ics", &["--session", "2026-11-10"]);
    let text = String::from_utf8(bytes).unwrap();
    assert!(
        text.lines().all(|l| l.len() <= 76),
        "lines are folded at 75 octets"
    );
    let mut calendars = ical::IcalParser::new(text.as_bytes());
    let cal = calendars.next().expect("one calendar").expect("it parses");
    assert!(calendars.next().is_none());
    let prop = |props: &[ical::property::Property], name: &str| {
        props
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
    };
    let mut uids = BTreeSet::new();
    let mut starts = BTreeMap::new();
    for e in &cal.events {
        let uid = prop(&e.properties, "UID").expect("every event has a UID");
        assert!(uids.insert(uid.clone()), "UID {uid} twice");
        assert_eq!(
            prop(&e.properties, "DTSTAMP").as_deref(),
            Some("20261115T090000Z")
        );
        starts.insert(uid, prop(&e.properties, "DTSTART").unwrap());
        if !e
            .properties
            .iter()
            .any(|p| p.name == "UID" && p.value.as_deref().unwrap_or("").starts_with("wear:"))
        {
            assert_eq!(e.alarms.len(), 1, "each reminder event has a display alarm");
            assert_eq!(
                prop(&e.alarms[0].properties, "ACTION").as_deref(),
                Some("DISPLAY")
            );
        }
    }
    assert_eq!(starts["wear:2026-11-10@aftercare"], "20261110T133000Z");
    assert_eq!(
        starts["off:2026-11-10:2026-11-24@aftercare"],
        "20261124T133000Z"
    );
    // The heads-up the evening before, and the photo prompt at 10:00 on 10 February.
    assert_eq!(
        starts["off-heads-up:2026-11-10:2026-11-23@aftercare"],
        "20261123T190000Z"
    );
    assert_eq!(
        starts["photo:2026-11-10:2027-02-10@aftercare"],
        "20270210T090000Z"
    );
    // Check-ins still to come: 15 November (20:00 today) to 24 November.
    let checkins: Vec<_> = starts
        .keys()
        .filter(|k| k.starts_with("checkin:"))
        .collect();
    assert_eq!(checkins.len(), 10, "{checkins:?}");
    assert_eq!(
        starts["checkin:2026-11-10:2026-11-15@aftercare"],
        "20261115T190000Z"
    );
}

/// R4 codes for the `status` of the resources the bundle uses.
fn statuses(kind: &str) -> &'static [&'static str] {
    match kind {
        // Both use R4's EventStatus value set.
        "Procedure" | "Media" => &[
            "preparation",
            "in-progress",
            "not-done",
            "on-hold",
            "stopped",
            "completed",
            "entered-in-error",
            "unknown",
        ],
        "CarePlan" => &[
            "draft",
            "active",
            "on-hold",
            "revoked",
            "completed",
            "entered-in-error",
            "unknown",
        ],
        "DeviceUseStatement" => &[
            "active",
            "completed",
            "entered-in-error",
            "intended",
            "stopped",
            "on-hold",
        ],
        "QuestionnaireResponse" => &[
            "in-progress",
            "completed",
            "amended",
            "entered-in-error",
            "stopped",
        ],
        "Observation" => &[
            "registered",
            "preliminary",
            "final",
            "amended",
            "corrected",
            "cancelled",
            "entered-in-error",
            "unknown",
        ],
        "Device" => &["active", "inactive", "entered-in-error", "unknown"],
        "Questionnaire" => &["draft", "active", "retired", "unknown"],
        _ => &[],
    }
}

/// Elements R4 requires (cardinality 1..1) of the resources the bundle uses.
fn required(kind: &str) -> &'static [&'static str] {
    match kind {
        "Procedure" => &["status", "subject"],
        "CarePlan" => &["status", "intent", "subject"],
        "DeviceUseStatement" => &["status", "subject", "device"],
        "QuestionnaireResponse" => &["status"],
        "Observation" => &["status", "code"],
        "Media" => &["status", "content"],
        "Questionnaire" => &["status"],
        _ => &[],
    }
}

pub fn check_resource(r: &serde_json::Value) {
    let kind = r["resourceType"].as_str().unwrap();
    // Each kind is read into its own R4 type (strict: unknown elements and wrongly typed
    // values are errors). fhirbolt's `Resource` enum panics on arrays of complex types, so
    // it is not used.
    use fhirbolt::model::r4::resources as r4;
    // fhirbolt 0.4 refuses decimals written as JSON numbers (it wants serde_json's
    // arbitrary-precision tokens), so a Quantity's value is checked here and left out of
    // the copy fhirbolt reads.
    let mut copy = r.clone();
    if let Some(q) = copy
        .get_mut("valueQuantity")
        .and_then(|q| q.as_object_mut())
    {
        let value = q.remove("value").expect("a Quantity with a value");
        assert!(
            value.is_number(),
            "Quantity.value is a JSON number: {value}"
        );
    }
    let text = copy.to_string();
    macro_rules! read {
        ($($name:literal => $ty:ty),*) => {
            match kind {
                $($name => fhirbolt::json::from_str::<$ty>(&text, None).map(|_| ()),)*
                other => panic!("unexpected resource {other}"),
            }
        };
    }
    read!(
        "Patient" => r4::Patient,
        "Procedure" => r4::Procedure,
        "Device" => r4::Device,
        "CarePlan" => r4::CarePlan,
        "DeviceUseStatement" => r4::DeviceUseStatement,
        "QuestionnaireResponse" => r4::QuestionnaireResponse,
        "Observation" => r4::Observation,
        "Media" => r4::Media,
        "Questionnaire" => r4::Questionnaire
    )
    .unwrap_or_else(|e| panic!("{kind} is not valid R4: {e}\n{r:#}"));
    for field in required(kind) {
        assert!(!r[field].is_null(), "{kind} lacks {field}");
    }
    if let Some(s) = r["status"].as_str() {
        assert!(
            statuses(kind).contains(&s),
            "{kind}.status {s} is not an R4 code"
        );
    }
}

#[test]
fn the_fhir_bundle_is_valid_r4_and_every_reference_resolves() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let bytes = export(dir.path(), "fhir", &[]);
    let text = String::from_utf8(bytes).unwrap();
    let json: serde_json::Value = serde_json::from_str(&text).unwrap();
    // fhirbolt 0.4 cannot read a Bundle holding more than one resource (the string after a
    // nested resource is refused), so the Bundle is checked without its resources and each
    // resource on its own below.
    let mut shell = json.clone();
    for e in shell["entry"].as_array_mut().unwrap() {
        e.as_object_mut().unwrap().remove("resource");
    }
    let bundle: fhirbolt::model::r4::resources::Bundle =
        fhirbolt::json::from_str(&shell.to_string(), None)
            .unwrap_or_else(|e| panic!("not an R4 Bundle: {e}"));
    assert_eq!(bundle.r#type.value.as_deref(), Some("collection"));
    let entries = json["entry"].as_array().unwrap();
    let urls: BTreeSet<&str> = entries
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    assert_eq!(urls.len(), entries.len(), "fullUrls are unique");
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for e in entries {
        let r = &e["resource"];
        check_resource(r);
        *counts
            .entry(r["resourceType"].as_str().unwrap())
            .or_default() += 1;
        let mut refs = Vec::new();
        collect_references(r, &mut refs);
        for target in refs {
            assert!(
                urls.contains(target.as_str()),
                "{target} does not resolve in the bundle"
            );
        }
    }
    let want: BTreeMap<&str, usize> = [
        ("Patient", 1),
        ("Procedure", 2),
        ("Device", 2),
        ("CarePlan", 2),
        // 15 dates of the first session, 15 of the second.
        ("DeviceUseStatement", 30),
        ("QuestionnaireResponse", 4),
        // Walking minutes on 10, 11 and 13 November.
        ("Observation", 3),
    ]
    .into();
    assert_eq!(counts, want);
    let find = |id: &str| {
        entries
            .iter()
            .map(|e| &e["resource"])
            .find(|r| r["id"] == id)
            .unwrap()
    };
    assert_eq!(find("session-2026-12-08")["status"], "preparation");
    assert_eq!(find("session-2026-11-10")["status"], "completed");
    assert_eq!(find("checkin-2026-11-10-2026-11-13")["status"], "amended");
    assert_eq!(find("wear-2026-11-10-2026-11-14")["status"], "intended");
    assert_eq!(
        find("walking-2026-11-10-2026-11-11")["valueQuantity"]["value"],
        45
    );
    let qr = find("checkin-2026-11-10-2026-11-12");
    assert_eq!(qr["meta"]["tag"][0]["code"], "late");
    assert_eq!(
        qr["item"][1]["item"][0]["answer"][0]["valueCoding"]["code"],
        "not-worn"
    );
}

fn collect_references(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(o) => {
            for (k, x) in o {
                if k == "reference" {
                    out.push(x.as_str().unwrap().to_string());
                } else {
                    collect_references(x, out);
                }
            }
        }
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect_references(x, out)),
        _ => {}
    }
}

#[test]
fn the_published_questionnaire_is_the_one_the_responses_answer() {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("docs/fhir/questionnaire-daily-checkin.json");
    let generated = aftercare::domain::export::fhir::questionnaire();
    let mut text = serde_json::to_string_pretty(&generated).unwrap();
    text.push('\n');
    if std::env::var_os("AFTERCARE_UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        text,
        "docs/fhir is out of date"
    );
    check_resource(&generated);
    // Every linkId a response uses is defined by the Questionnaire.
    let mut defined = BTreeSet::new();
    fn link_ids(v: &serde_json::Value, out: &mut BTreeSet<String>) {
        for item in v["item"].as_array().into_iter().flatten() {
            out.insert(item["linkId"].as_str().unwrap().to_string());
            link_ids(item, out);
        }
    }
    link_ids(&generated, &mut defined);
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let bundle: serde_json::Value =
        serde_json::from_slice(&export(dir.path(), "fhir", &[])).unwrap();
    for e in bundle["entry"].as_array().unwrap() {
        if e["resource"]["resourceType"] == "QuestionnaireResponse" {
            let mut used = BTreeSet::new();
            link_ids(&e["resource"], &mut used);
            assert!(used.is_subset(&defined), "{used:?} not all in {defined:?}");
        }
    }
}

#[test]
fn a_backup_export_restores_to_the_same_store() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let bytes = export(dir.path(), "backup", &[]);
    let other = tempfile::tempdir().unwrap();
    let file = dir.path().join("out-backup-");
    ok(other.path(), TZ, NOW, &["restore", file.to_str().unwrap()]);
    // Everything is the same but the store's generation counter, which counts writes, and
    // the checksum, which covers it.
    let data = |b: &[u8]| {
        let mut v: serde_json::Value = serde_json::from_slice(b).unwrap();
        v["data"].as_object_mut().unwrap().remove("generation");
        v.as_object_mut().unwrap().remove("checksum");
        v
    };
    let restored = export(other.path(), "backup", &[]);
    assert_eq!(data(&restored), data(&bytes));
    assert!(
        data(&bytes)["data"]["checkins"][3]["history"]
            .as_array()
            .unwrap()
            .len()
            == 1
    );
    assert_eq!(
        export(other.path(), "csv", &[]),
        export(dir.path(), "csv", &[])
    );
}

#[test]
fn bad_export_requests_are_refused_clearly_and_write_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("x.pdf");
    let o = out.to_str().unwrap();
    let msg = fails(
        dir.path(),
        TZ,
        NOW,
        &["export", "--format", "pdf", "--out", o],
        2,
    );
    assert!(msg.contains("nothing to share yet"), "{msg}");
    fixture(dir.path());
    let msg = fails(
        dir.path(),
        TZ,
        NOW,
        &[
            "export",
            "--format",
            "pdf",
            "--out",
            o,
            "--session",
            "2026-01-01",
        ],
        2,
    );
    assert!(
        msg.contains("there is no session '2026-01-01' (sessions: 2026-11-10, 2026-12-08)"),
        "{msg}"
    );
    let msg = fails(
        dir.path(),
        TZ,
        NOW,
        &["export", "--format", "docx", "--out", o],
        2,
    );
    assert!(
        msg.contains("unknown format 'docx' (expected pdf, csv, fhir, ics or backup)"),
        "{msg}"
    );
    let msg = fails(
        dir.path(),
        TZ,
        NOW,
        &[
            "export",
            "--format",
            "csv",
            "--out",
            "/nonexistent-dir/x.csv",
        ],
        2,
    );
    // A folder that is not there is a path to correct (exit 2), named with what to do.
    assert!(
        msg.contains("the folder /nonexistent-dir does not exist: create it or choose another one"),
        "{msg}"
    );
    assert!(!out.exists());
}

/// The fuzz target's property (fuzz/fuzz_targets/backup_decode.rs) on damaged copies of a
/// real backup: truncated, bytes changed, bytes inserted. Never a panic, always a message.
#[test]
fn damaged_backups_are_refused_with_a_message_and_never_panic() {
    use proptest::prelude::*;
    let good = std::fs::read(golden("backup.json")).unwrap();
    aftercare::domain::backup::check_decode(&good);
    assert!(aftercare::domain::backup::decode(&good).is_ok());
    let len = good.len();
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(400));
    runner
        .run(
            &(0..len, 0..len, any::<u8>(), 0u8..3),
            |(at, cut, byte, how)| {
                let mut bytes = good.clone();
                match how {
                    0 => bytes.truncate(cut),
                    1 => bytes[at] = byte,
                    _ => bytes.insert(at, byte),
                }
                aftercare::domain::backup::check_decode(&bytes);
                Ok(())
            },
        )
        .unwrap();
}

/// Adds a baseline (JPEG) and a result (PNG) photo of the right knee to the fixture.
fn with_photos(dir: &Path) {
    let jpeg = dir.join("knee.jpg");
    let png = dir.join("knee.png");
    std::fs::write(&jpeg, super::photos::jpeg_fixture(300, 200)).unwrap();
    std::fs::write(&png, super::photos::png_fixture(300, 200)).unwrap();
    for (kind, file) in [("baseline", &jpeg), ("result", &png)] {
        ok(
            dir,
            TZ,
            NOW,
            &[
                "photo",
                "add",
                "--session",
                "2026-11-10",
                "--area",
                "right-knee",
                "--kind",
                kind,
                file.to_str().unwrap(),
            ],
        );
    }
}

/// How many image objects a PDF holds (dictionaries with `/Subtype /Image`, spaced or not).
fn pdf_images(pdf: &[u8]) -> usize {
    let count = |pattern: &[u8]| pdf.windows(pattern.len()).filter(|w| *w == pattern).count();
    count(b"/Subtype/Image") + count(b"/Subtype /Image")
}

#[test]
fn ticked_photos_go_into_the_pdf_report() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    with_photos(dir.path());
    assert_eq!(pdf_images(&export(dir.path(), "pdf", &[])), 0);
    let both = export(dir.path(), "pdf", &["--all-photos"]);
    assert_eq!(pdf_images(&both), 2, "two photos, each embedded once");
    let text = pdf_extract::extract_text_from_mem(&both).unwrap();
    for caption in [
        "Photos",
        "Right: knee · Before (baseline) · Sat 1 Aug",
        "Right: knee · Result (3 months) · Sat 1 Aug",
    ] {
        assert!(text.contains(caption), "{caption} in\n{text}");
    }
    let one = export(
        dir.path(),
        "pdf",
        &["--photo", "2026-11-10-right-knee-result-1"],
    );
    assert_eq!(pdf_images(&one), 1);
    // The same request gives the same bytes.
    assert_eq!(
        one,
        export(
            dir.path(),
            "pdf",
            &["--photo", "2026-11-10-right-knee-result-1"]
        )
    );
    let err = fails(
        dir.path(),
        TZ,
        NOW,
        &[
            "export",
            "--format",
            "pdf",
            "--out",
            "x.pdf",
            "--session",
            "2026-12-08",
            "--photo",
            "2026-11-10-right-knee-result-1",
        ],
        2,
    );
    assert!(err.contains("which is not chosen"), "{err}");
}

#[test]
fn ticked_photos_become_valid_r4_media_in_the_bundle() {
    use base64::Engine;
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    with_photos(dir.path());
    let json: serde_json::Value =
        serde_json::from_slice(&export(dir.path(), "fhir", &["--all-photos"])).unwrap();
    let entries = json["entry"].as_array().unwrap();
    let urls: BTreeSet<&str> = entries
        .iter()
        .map(|e| e["fullUrl"].as_str().unwrap())
        .collect();
    let media: Vec<&serde_json::Value> = entries
        .iter()
        .map(|e| &e["resource"])
        .filter(|r| r["resourceType"] == "Media")
        .collect();
    assert_eq!(media.len(), 2);
    let procedure_url = entries
        .iter()
        .find(|e| e["resource"]["id"] == "session-2026-11-10")
        .map(|e| e["fullUrl"].as_str().unwrap())
        .unwrap();
    for m in media {
        check_resource(m);
        let mut refs = Vec::new();
        collect_references(m, &mut refs);
        assert!(refs.iter().all(|r| urls.contains(r.as_str())));
        assert_eq!(m["partOf"][0]["reference"], procedure_url);
        assert_eq!(m["bodySite"]["coding"][0]["code"], "right-knee");
        assert_eq!(m["content"]["contentType"], "image/jpeg");
        let data = base64::engine::general_purpose::STANDARD
            .decode(m["content"]["data"].as_str().unwrap())
            .unwrap();
        assert_eq!(m["content"]["size"].as_u64(), Some(data.len() as u64));
        let img = image::load_from_memory(&data).unwrap();
        assert_eq!((img.width(), img.height()), (200, 300));
        assert_eq!(m["createdDateTime"], "2026-08-01T09:30:00+02:00");
    }
    // Without ticks there is no Media.
    let plain = String::from_utf8(export(dir.path(), "fhir", &[])).unwrap();
    assert!(!plain.contains("\"Media\""));
}

/// Every single-bit flip of a real backup, at every bit: the file is refused with a message,
/// or it reads as exactly the same backup (a flip in the checksum's own key is harmless).
/// Never different data: the checksum catches a changed value that still reads as valid JSON.
#[test]
fn every_bit_flip_of_a_backup_is_refused_or_harmless() {
    let good = std::fs::read(golden("backup.json")).unwrap();
    let original = aftercare::domain::backup::decode(&good).unwrap();
    let mut refused = 0usize;
    let mut harmless = Vec::new();
    for at in 0..good.len() {
        for bit in 0..8 {
            let mut bytes = good.clone();
            bytes[at] ^= 1 << bit;
            match aftercare::domain::backup::decode(&bytes) {
                Err(message) => {
                    assert!(!message.trim().is_empty());
                    refused += 1;
                }
                Ok(read) => {
                    assert_eq!(
                        read, original,
                        "bit {bit} of byte {at} gives a different backup"
                    );
                    harmless.push((at, bit));
                }
            }
        }
    }
    // Harmless flips: the checksum's own key (the file then reads as one written before the
    // checksum, with the same data). The checksum covers the file's content as written, so a
    // flip the parsers would read as the same thing (the case of a letter in a date, the key
    // of a field that has a default) is refused too. At the time of writing 56 of 37,192.
    let total = good.len() * 8;
    assert!(
        refused * 10 > total * 9,
        "only {refused} of {total} flips refused; harmless: {harmless:?}"
    );
}

/// A session of 10 November 2026 with this clinic name and note.
fn session_named(dir: &Path, clinic: &str, note: &str) {
    ok(
        dir,
        TZ,
        "2026-11-10T15:00:00+01:00",
        &[
            "session",
            "add",
            "--date",
            "2026-11-10",
            "--end-time",
            "14:30",
            "--tz",
            TZ,
            "--clinic-name",
            clinic,
            "--note",
            note,
        ],
    );
}

/// A session whose clinic name and notes are Japanese, Chinese and Korean.
fn cjk_fixture(dir: &Path) {
    session_named(dir, "압박 스타킹 클리닉", "足がむくむ");
    ok(
        dir,
        TZ,
        "2026-11-10T21:00:00+01:00",
        &[
            "checkin",
            "--date",
            "2026-11-10",
            "--day",
            "worn",
            "--note",
            "弹力袜 all day",
        ],
    );
}

/// `aftercare export --format pdf` with `AFTERCARE_FALLBACK_FONTS` set to `fonts` (or, with
/// `None`, unset: the system's fonts): the PDF and stderr.
fn export_pdf_with_fonts(dir: &Path, fonts: Option<&str>) -> (Vec<u8>, String) {
    let out = dir.join("cjk.pdf");
    let mut c = cmd(dir, TZ, NOW);
    match fonts {
        Some(list) => c.env("AFTERCARE_FALLBACK_FONTS", list),
        None => c.env_remove("AFTERCARE_FALLBACK_FONTS"),
    };
    let run = c
        .args(["export", "--format", "pdf", "--out", out.to_str().unwrap()])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&run.stderr).into_owned();
    assert!(run.status.success(), "export failed: {stderr}");
    (std::fs::read(&out).unwrap(), stderr)
}

fn pdf_text(bytes: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(bytes).unwrap();
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Needs the CJK fonts scripts/setup installs (Debian's fonts-droid-fallback, which has no
/// Korean, and fonts-wqy-microhei): found by the real search, not named to the app.
#[test]
fn chinese_japanese_and_korean_text_prints_in_a_system_font_and_reads_back() {
    for font in [
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    ] {
        assert!(
            Path::new(font).is_file(),
            "{font} is missing: run scripts/setup"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    cjk_fixture(dir.path());
    let (bytes, stderr) = export_pdf_with_fonts(dir.path(), None);
    assert!(!stderr.contains("warning"), "{stderr}");
    let text = pdf_text(&bytes);
    for want in [
        "足がむくむ",
        "弹力袜",
        "압박 스타킹 클리닉",
        "all day",
        "Compression report",
    ] {
        assert!(text.contains(want), "the PDF text lacks '{want}':\n{text}");
    }
    // The same store and fonts give the same bytes.
    assert_eq!(export_pdf_with_fonts(dir.path(), None).0, bytes);
}

#[test]
fn without_a_font_for_some_characters_the_export_succeeds_and_names_them() {
    let dir = tempfile::tempdir().unwrap();
    cjk_fixture(dir.path());
    // No fallback font at all: every CJK character is named (once, in code point order).
    let (bytes, stderr) = export_pdf_with_fonts(dir.path(), Some(""));
    assert!(bytes.starts_with(b"%PDF-"));
    assert!(
        stderr.contains("aftercare: warning: no font on this device has '")
            && stderr.contains("empty boxes"),
        "{stderr}"
    );
    for c in "足がむく弹力袜압박스타킹클리닉".chars() {
        let named = format!("'{c}' (U+{:04X})", c as u32);
        assert_eq!(stderr.matches(&named).count(), 1, "{named} in {stderr}");
    }
    assert!(pdf_text(&bytes).contains("all day"));
    // Droid Sans Fallback only (named as a file): Chinese and Japanese print, Korean is named.
    let droid = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";
    assert!(
        Path::new(droid).is_file(),
        "{droid} is missing: run scripts/setup"
    );
    let (bytes, stderr) = export_pdf_with_fonts(dir.path(), Some(droid));
    assert!(stderr.contains("'압' (U+C555)"), "{stderr}");
    assert!(
        !stderr.contains("'足'") && !stderr.contains("'弹'"),
        "{stderr}"
    );
    let text = pdf_text(&bytes);
    assert!(
        text.contains("足がむくむ") && text.contains("弹力袜"),
        "{text}"
    );
    // The usual report (Spanish and a Greek word in its note) says nothing when a font has
    // the Greek, and names the Greek when none does: Helvetica has the rest.
    let plain = tempfile::tempdir().unwrap();
    fixture(plain.path());
    let (bytes, stderr) = export_pdf_with_fonts(plain.path(), Some(DEJAVU));
    assert!(!stderr.contains("warning"), "{stderr}");
    assert!(pdf_text(&bytes).contains("Ωμέγα"));
    let (_, stderr) = export_pdf_with_fonts(plain.path(), Some(""));
    for c in "Ωμέγα".chars() {
        assert!(stderr.contains(&format!("'{c}'")), "{c} in {stderr}");
    }
    assert!(
        !stderr.contains("'í'") && !stderr.contains("'—'"),
        "{stderr}"
    );
}

/// Nimbus Sans (Debian's fonts-urw-base35) as OpenType with CFF outlines.
const NIMBUS_CFF: &str = "/usr/share/fonts/opentype/urw-base35/NimbusSans-Regular.otf";

/// The report with a Polish clinic, a Greek and a Chinese note, set in a CFF font (Nimbus
/// Sans: the Polish and Greek letters Helvetica lacks) and a TrueType font (Droid Sans
/// Fallback: the Chinese), then read by poppler, a second, independent PDF reader: its font
/// list shows both embedded as subsets, and it renders every page without a complaint.
#[test]
fn fallback_fonts_of_both_outline_kinds_embed_and_render_in_another_reader() {
    let droid = "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf";
    for font in [NIMBUS_CFF, droid] {
        assert!(
            Path::new(font).is_file(),
            "{font} is missing: run scripts/setup"
        );
    }
    let dir = tempfile::tempdir().unwrap();
    session_named(dir.path(), "Klinika Żylna Łódź", "Ωμέγα; 弹力袜");
    let (bytes, stderr) = export_pdf_with_fonts(dir.path(), Some(&format!("{NIMBUS_CFF}:{droid}")));
    assert!(!stderr.contains("warning"), "{stderr}");
    let text = pdf_text(&bytes);
    for want in ["Klinika Żylna Łódź", "Ωμέγα; 弹力袜", "Compression report"] {
        assert!(text.contains(want), "the PDF text lacks '{want}':\n{text}");
    }
    let pdf = dir.path().join("cjk.pdf");
    let poppler = |tool: &str, args: &[&str]| {
        let out = std::process::Command::new(tool)
            .args(args)
            .output()
            .unwrap_or_else(|e| panic!("{tool}: {e} (run scripts/setup: poppler-utils)"));
        let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
        assert!(
            out.status.success() && stderr.is_empty(),
            "{tool}: {stderr}"
        );
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let fonts = poppler("pdffonts", &[pdf.to_str().unwrap()]);
    let embedded = |kind: &str| {
        fonts
            .lines()
            .any(|l| l.contains(kind) && l.contains("Identity-H") && l.contains("yes yes yes"))
    };
    assert!(embedded("CID Type 0C"), "no embedded CFF subset:\n{fonts}");
    assert!(
        embedded("CID TrueType"),
        "no embedded TrueType subset:\n{fonts}"
    );
    assert!(fonts.contains("Helvetica "), "{fonts}");
    let prefix = dir.path().join("page");
    poppler(
        "pdftoppm",
        &[
            "-r",
            "40",
            "-gray",
            pdf.to_str().unwrap(),
            prefix.to_str().unwrap(),
        ],
    );
    let pages = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| {
            e.as_ref()
                .unwrap()
                .file_name()
                .to_string_lossy()
                .starts_with("page")
        })
        .count();
    assert!(pages >= 1, "pdftoppm wrote no page");
}
