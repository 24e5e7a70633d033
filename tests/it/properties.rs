//! Invariants over many generated plans: each planned minute belongs to exactly one check-in
//! question; adherence fractions lie in [0, 1]; the status never breaks on any answers.

use aftercare::domain::adherence::{adherence, date_entries};
use aftercare::domain::checkin::{CheckIn, CheckInRecord, RemovalReason, WearAnswer};
use aftercare::domain::plan::{CompressionPlan, Phase, PlanConfig, Question, WearMode};
use chrono::{Duration, NaiveDate, NaiveTime, Utc};
use chrono_tz::Tz;
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
