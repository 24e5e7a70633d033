//! Invariants over many generated plans: each planned minute belongs to exactly one check-in
//! question; adherence fractions lie in [0, 1]; the status never breaks on any answers.

use aftercare::domain::adherence::{adherence, date_entries};
use aftercare::domain::checkin::{CheckIn, CheckInRecord, RemovalReason, WearAnswer};
use aftercare::domain::plan::{CompressionPlan, Phase, PlanConfig, Question, WearMode};
use aftercare::domain::zone::Tz;
use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use proptest::prelude::*;

const ZONES: [&str; 7] = [
    "Europe/Berlin",
    "America/New_York",
    "Australia/Lord_Howe",
    "Asia/Kolkata",
    "America/Santiago",
    "Pacific/Chatham",
    "UTC",
];

fn config() -> impl Strategy<Value = PlanConfig> {
    (1u8..=42, any::<bool>(), 0u8..42).prop_map(|(days, split, first)| {
        let first = first % days;
        if split && first > 0 {
            PlanConfig {
                days,
                phases: vec![
                    Phase {
                        days: first,
                        wear: WearMode::Continuous,
                    },
                    Phase {
                        days: days - first,
                        wear: WearMode::Daytime,
                    },
                ],
            }
        } else {
            PlanConfig::continuous(days)
        }
    })
}

fn plan() -> impl Strategy<Value = CompressionPlan> {
    (
        0usize..ZONES.len(),
        0u32..3650,
        0u32..24,
        0u32..60,
        config(),
    )
        .prop_map(|(z, day, h, m, cfg)| {
            let tz: Tz = ZONES[z].parse().unwrap();
            let date =
                NaiveDate::from_ymd_opt(2020, 1, 1).unwrap() + Duration::days(i64::from(day));
            let time = NaiveTime::from_hms_opt(h, m, 0).unwrap();
            CompressionPlan::new(tz, date, time, &cfg).unwrap()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn every_planned_minute_is_in_exactly_one_question(p in plan()) {
        let spans = p.planned_spans();
        let planned_total: i64 = spans.iter().map(|s| (s.end - s.start).num_minutes()).sum();
        let mut by_questions = 0;
        for date in p.checkin_dates() {
            for q in [Question::Night, Question::Day] {
                let minutes = p.planned_minutes(date, q);
                prop_assert_eq!(minutes > 0, p.questions(date).contains(&q));
                by_questions += minutes;
            }
        }
        prop_assert_eq!(by_questions, planned_total);
        // Each planned instant, sampled every 37 minutes, lies in the window of one question
        // of one check-in date, and that question is asked.
        for s in &spans {
            let mut t = s.start;
            while t < s.end {
                let hits: Vec<(NaiveDate, Question)> = p
                    .checkin_dates()
                    .into_iter()
                    .flat_map(|d| [(d, Question::Night), (d, Question::Day)])
                    .filter(|(d, q)| {
                        let (from, to) = p.question_window(*d, *q);
                        from <= t && t < to
                    })
                    .collect();
                prop_assert_eq!(hits.len(), 1, "instant {} of plan {:?}", t, p.wear_start);
                prop_assert!(p.questions(hits[0].0).contains(&hits[0].1));
                t += Duration::minutes(37);
            }
        }
        prop_assert_eq!(p.checkin_dates().first().copied(), Some(p.start_date));
    }

    #[test]
    fn adherence_fractions_stay_in_range(p in plan(), answers in proptest::collection::vec(0u8..5, 43), today_offset in 0i64..50) {
        let now = Utc::now().fixed_offset();
        let records: Vec<CheckInRecord> = p
            .checkin_dates()
            .into_iter()
            .zip(answers)
            .filter(|(_, a)| *a < 4)
            .map(|(date, a)| {
                let answer = match a {
                    0 => WearAnswer::AllTheTime,
                    1 => WearAnswer::NotWorn,
                    _ => WearAnswer::OffBriefly { minutes: 5, reason: RemovalReason::Shower },
                };
                let asked = p.questions(date);
                let pick = |q| asked.contains(&q).then_some(answer);
                CheckInRecord {
                    session: "s".into(),
                    date,
                    current: CheckIn {
                        night: pick(Question::Night),
                        day: pick(Question::Day),
                        walking_minutes: None,
                        symptoms: vec![],
                        note: String::new(),
                        recorded_at: now,
                        late: false,
                    },
                    history: vec![],
                }
            })
            .collect();
        let today = p.start_date + Duration::days(today_offset);
        let entries = date_entries(&p, &records, today);
        let a = adherence(&entries);
        for c in [a.day, a.night] {
            prop_assert!(c.covered <= c.dates);
            if let Some(f) = c.fraction() {
                prop_assert!((0.0..=1.0).contains(&f));
            }
        }
    }
}

/// The command-line fuzz target's property (fuzz/fuzz_targets/cli_datetime.rs) on generated
/// arguments: near-valid instants, dates, times and zone names with characters changed, and
/// arbitrary strings. Refused with a message, or read back to the same values.
#[test]
fn command_line_dates_times_and_zones_parse_back_or_are_refused() {
    use proptest::prelude::*;
    let instant = prop_oneof![
        "20[0-9]{2}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9](Z|[+-]0[0-9]:[0-5][0-9])",
        "[0-9]{4}-[0-9]{2}-[0-9]{2}[Tt ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,12})?([Zz]|[+-][0-9]{2}:[0-9]{2})",
        ".{0,30}",
    ];
    let date = prop_oneof![
        "[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])",
        " ?[+-]?[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3} ?",
        ".{0,12}",
    ];
    let time = prop_oneof![
        "([01][0-9]|2[0-3]):[0-5][0-9]",
        " ?[0-9]{1,3}:[0-9]{1,3}(:[0-9]{2})? ?",
        ".{0,8}",
    ];
    let zone = prop_oneof![
        proptest::sample::select(vec![
            "Europe/Berlin",
            "America/New_York",
            "Australia/Lord_Howe",
            "Asia/Kolkata",
            "UTC",
            "Etc/GMT+12",
            "europe/berlin",
            "EST5EDT",
            "Factory",
            "",
        ])
        .prop_map(str::to_string),
        "[A-Za-z_/+-]{0,20}",
    ];
    let accepted = std::cell::Cell::new(0);
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(2000));
    runner
        .run(&(instant, date, time, zone), |(now, date, time, zone)| {
            if aftercare::cli::check_datetime_args(&now, &date, &time, &zone) {
                accepted.set(accepted.get() + 1);
            }
            Ok(())
        })
        .unwrap();
    assert!(accepted.get() > 0, "no generated arguments were accepted");
    // The documented forms are accepted.
    assert!(aftercare::cli::check_datetime_args(
        "2026-11-25T20:00:00+01:00",
        "2026-11-20",
        "15:30",
        "Europe/Berlin",
    ));
}

/// The stored-value fuzz target's property (fuzz/fuzz_targets/stored_value_decode.rs) on
/// damaged copies of real envelopes (truncated, a byte changed, a byte inserted) and on
/// envelopes with other schema numbers and kinds: a value that round-trips, or a refusal.
#[test]
fn damaged_stored_values_are_refused_or_round_trip() {
    use proptest::prelude::*;
    let dir =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/stored_value_decode");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| std::fs::read(e.unwrap().path()).unwrap())
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 4, "the fuzz corpus seeds are missing");
    for seed in &seeds {
        aftercare::app::store::check_decode_value(seed);
    }
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(1500));
    runner
        .run(
            &(0..seeds.len(), any::<usize>(), any::<u8>(), 0u8..4, 0u32..4),
            |(which, at, byte, how, schema)| {
                let mut bytes = seeds[which].clone();
                let at = at % bytes.len();
                match how {
                    0 => bytes.truncate(at),
                    1 => bytes[at] = byte,
                    2 => bytes.insert(at, byte),
                    _ => {
                        let text = String::from_utf8(bytes).unwrap();
                        bytes = text
                            .replacen("\"schema\":1", &format!("\"schema\":{schema}"), 1)
                            .into_bytes();
                    }
                }
                aftercare::app::store::check_decode_value(&bytes);
                Ok(())
            },
        )
        .unwrap();
}

/// The journal fuzz target's property (fuzz/fuzz_targets/journal_read.rs) on its seeds and on
/// damaged copies of them (cut short, a byte changed, a byte inserted, zeros appended): the
/// entries read are exactly the start of the bytes, or a refusal with a message. The seeds
/// themselves read as what they hold.
#[test]
fn damaged_journals_are_read_as_their_whole_start_or_refused() {
    use proptest::prelude::*;
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/corpus/journal_read");
    let mut seeds: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read(e.path()).unwrap(),
            )
        })
        .collect();
    seeds.sort();
    assert!(seeds.len() >= 4, "the fuzz corpus seeds are missing");
    for (name, bytes) in &seeds {
        let entries = aftercare::platform::journal::read(bytes).unwrap();
        let expected = match name.as_str() {
            "two-entries" => 2,
            _ => 1,
        };
        assert_eq!(entries.len(), expected, "{name}");
        aftercare::platform::journal::check_read(bytes);
    }
    let mut runner = proptest::test_runner::TestRunner::new(ProptestConfig::with_cases(3000));
    runner
        .run(
            &(0..seeds.len(), any::<usize>(), any::<u8>(), 0u8..4),
            |(which, at, byte, how)| {
                let mut bytes = seeds[which].1.clone();
                let at = at % bytes.len();
                match how {
                    0 => bytes.truncate(at),
                    1 => bytes[at] = byte,
                    2 => bytes.insert(at, byte),
                    _ => bytes.extend(std::iter::repeat_n(0u8, at % 40)),
                }
                aftercare::platform::journal::check_read(&bytes);
                Ok(())
            },
        )
        .unwrap();
}
