//! Adherence: the state of every check-in date and the proportion of days covered, for day
//! wear and night wear separately (PRODUCT.md, "Adherence").
//!
//! A date counts once it has passed, or once today's check-in is recorded. A question is
//! covered when the stockings were worn all the time it asked about. No streaks, no scores:
//! these are facts for the clinic. Pure; "today" comes in as an argument.

use crate::domain::checkin::{CheckInRecord, WearAnswer};
use crate::domain::plan::{CompressionPlan, Question};
use chrono::NaiveDate;
use serde::Serialize;

/// The state of one check-in date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DateState {
    /// Worn as planned.
    Complete,
    /// Taken off for part of the planned time.
    Partial,
    /// Recorded as not worn.
    Missed,
    /// The date has passed without a check-in.
    NotRecorded,
    /// Today (not yet recorded) or later.
    Upcoming,
}

impl DateState {
    /// The identifier used in files.
    pub fn id(self) -> &'static str {
        match self {
            DateState::Complete => "complete",
            DateState::Partial => "partial",
            DateState::Missed => "missed",
            DateState::NotRecorded => "not-recorded",
            DateState::Upcoming => "upcoming",
        }
    }
}

/// One check-in date with its state.
#[derive(Debug, Clone, PartialEq)]
pub struct DateEntry {
    pub date: NaiveDate,
    pub state: DateState,
    pub questions: Vec<Question>,
    pub record: Option<CheckInRecord>,
}

/// The state of a recorded check-in, from the answers to the questions asked.
pub fn recorded_state(questions: &[Question], record: &CheckInRecord) -> DateState {
    let answers: Vec<Option<WearAnswer>> = questions
        .iter()
        .map(|q| record.current.answer(*q))
        .collect();
    if answers.iter().all(|a| *a == Some(WearAnswer::AllTheTime)) {
        DateState::Complete
    } else if answers.iter().all(|a| *a == Some(WearAnswer::NotWorn)) {
        DateState::Missed
    } else {
        DateState::Partial
    }
}

/// Every check-in date of a plan with its state, given the session's records and today.
pub fn date_entries(
    plan: &CompressionPlan,
    records: &[CheckInRecord],
    today: NaiveDate,
) -> Vec<DateEntry> {
    plan.checkin_dates()
        .into_iter()
        .map(|date| {
            let questions = plan.questions(date);
            let record = records.iter().find(|r| r.date == date).cloned();
            let state = match &record {
                Some(r) => recorded_state(&questions, r),
                None if date < today => DateState::NotRecorded,
                None => DateState::Upcoming,
            };
            DateEntry {
                date,
                state,
                questions,
                record,
            }
        })
        .collect()
}

/// Proportion of days covered for one kind of wear.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Coverage {
    /// Dates counted (passed, and planned for this kind of wear).
    pub dates: u32,
    /// Of those, dates worn all the time.
    pub covered: u32,
}

impl Coverage {
    /// The fraction in [0, 1], or `None` before any date counts.
    pub fn fraction(&self) -> Option<f64> {
        (self.dates > 0).then(|| f64::from(self.covered) / f64::from(self.dates))
    }
}

/// Day and night proportion of days covered.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Adherence {
    pub day: Coverage,
    pub night: Coverage,
}

/// Computes adherence over the dates that count.
pub fn adherence(entries: &[DateEntry]) -> Adherence {
    let coverage = |q: Question| {
        let mut c = Coverage {
            dates: 0,
            covered: 0,
        };
        for e in entries
            .iter()
            .filter(|e| e.state != DateState::Upcoming && e.questions.contains(&q))
        {
            c.dates += 1;
            if e.record.as_ref().and_then(|r| r.current.answer(q)) == Some(WearAnswer::AllTheTime) {
                c.covered += 1;
            }
        }
        c
    };
    Adherence {
        day: coverage(Question::Day),
        night: coverage(Question::Night),
    }
}
