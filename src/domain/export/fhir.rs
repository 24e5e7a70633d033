//! The FHIR R4 export: a Bundle of type `collection` with, per chosen session, a Procedure
//! (the session and its body sites), a CarePlan (the compression plan), a DeviceUseStatement
//! per check-in date (the stockings), a QuestionnaireResponse per check-in (answering the
//! Questionnaire published in docs/fhir/), an Observation per walking figure, and a Media per
//! photo the patient chose to share; plus one Patient (no name: the app does not know it)
//! and one Device per session (the stockings).
//!
//! A small typed model rather than a full FHIR crate: the few resources used are written
//! with serde, so the app does not carry the whole R4 model (see ARCHITECTURE.md). The tests
//! validate the output with an independent R4 model. Ids are derived from the data, so the
//! same store and `now` give the same bytes.

use super::report::{Answer, Report, Row, SessionReport};
use super::PhotoFiles;
use crate::domain::adherence::DateState;
use crate::domain::checkin::WearAnswer;
use crate::domain::photo::{Photo, PhotoKind};
use crate::domain::plan::{Question, WearMode};
use chrono::{DateTime, FixedOffset, SecondsFormat};
use serde::Serialize;
use serde_json::{json, Value};

/// The canonical URL of the daily check-in Questionnaire (published in docs/fhir/).
pub const QUESTIONNAIRE_URL: &str = "urn:aftercare:fhir:Questionnaire:daily-checkin";
/// The version of that Questionnaire (2: four warning signs added to the symptoms' options).
pub const QUESTIONNAIRE_VERSION: &str = "2";
/// Code system of the check-in answers (`worn`, `partial`, `not-worn`).
pub const WEAR_SYSTEM: &str = "urn:aftercare:fhir:CodeSystem:wear";
/// Code system of removal reasons (`shower`, `skin-care`, …).
pub const REASON_SYSTEM: &str = "urn:aftercare:fhir:CodeSystem:removal-reason";
/// Code system of symptoms (`bruising`, `one-leg-pain-swelling`, …).
pub const SYMPTOM_SYSTEM: &str = "urn:aftercare:fhir:CodeSystem:symptom";
/// Code system of treated areas (`left-thigh-front`, …).
pub const AREA_SYSTEM: &str = "urn:aftercare:fhir:CodeSystem:treated-area";
/// Code system of the flags on a check-in (`late`, `edited`).
pub const FLAG_SYSTEM: &str = "urn:aftercare:fhir:CodeSystem:checkin-flag";
/// Code system of adherence states per date.
pub const STATE_SYSTEM: &str = "urn:aftercare:fhir:CodeSystem:adherence-state";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Bundle {
    resource_type: &'static str,
    id: String,
    meta: Meta,
    #[serde(rename = "type")]
    kind: &'static str,
    timestamp: String,
    entry: Vec<Entry>,
}

#[derive(Serialize)]
struct Meta {
    #[serde(rename = "lastUpdated")]
    last_updated: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Entry {
    full_url: String,
    resource: Value,
}

#[derive(Serialize)]
struct Reference {
    reference: String,
}

#[derive(Serialize)]
struct Coding {
    system: &'static str,
    code: String,
    display: String,
}

#[derive(Serialize)]
struct CodeableConcept {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    coding: Vec<Coding>,
    text: String,
}

#[derive(Serialize)]
struct Period {
    start: String,
    end: String,
}

#[derive(Serialize)]
struct Annotation {
    text: String,
}

/// A stable, data-derived UUID (RFC 9562 version 8) for `urn:uuid:` full URLs.
fn uuid(name: &str) -> String {
    // Two FNV-1a 64-bit hashes with different offsets make the 128 bits.
    let fnv = |seed: u64| {
        name.bytes().fold(seed, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
        })
    };
    let hi = fnv(0xcbf2_9ce4_8422_2325);
    let lo = fnv(0x8422_2325_cbf2_9ce4);
    let mut bytes = [0u8; 16];
    bytes[..8].copy_from_slice(&hi.to_be_bytes());
    bytes[8..].copy_from_slice(&lo.to_be_bytes());
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let h: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

fn instant(t: DateTime<FixedOffset>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Secs, false)
}

/// One resource with its full URL.
struct Item {
    url: String,
    resource: Value,
}

fn item(name: &str, resource: Value) -> Item {
    Item {
        url: format!("urn:uuid:{}", uuid(name)),
        resource,
    }
}

fn reference(item: &Item) -> Reference {
    Reference {
        reference: item.url.clone(),
    }
}

fn to_value<T: Serialize>(v: T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

/// Writes the Bundle as pretty-printed JSON.
pub fn write(report: &Report, photo_files: &PhotoFiles) -> Result<Vec<u8>, String> {
    let now = report.now.with_timezone(&report.zone).fixed_offset();
    let patient = item(
        "patient",
        json!({
            "resourceType": "Patient",
            "id": "patient",
            "active": true,
        }),
    );
    let mut items = vec![];
    let patient_ref = reference(&patient);
    items.push(patient);
    for s in &report.sessions {
        session_items(s, &patient_ref, &mut items);
        for photo in &s.photos {
            let bytes = photo_files
                .get(&photo.id)
                .ok_or_else(|| format!("the image of photo {} is missing", photo.id))?;
            items.push(media(photo, bytes, &patient_ref, &s.session.id));
        }
    }
    let bundle = Bundle {
        resource_type: "Bundle",
        id: uuid(&format!("bundle:{}", instant(now))),
        meta: Meta {
            last_updated: instant(now),
        },
        kind: "collection",
        timestamp: instant(now),
        entry: items
            .into_iter()
            .map(|i| Entry {
                full_url: i.url,
                resource: i.resource,
            })
            .collect(),
    };
    let mut bytes = serde_json::to_vec_pretty(&bundle).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    Ok(bytes)
}

fn area_concepts(s: &SessionReport) -> Vec<CodeableConcept> {
    s.session
        .areas
        .iter()
        .map(|a| CodeableConcept {
            coding: vec![Coding {
                system: AREA_SYSTEM,
                code: a.id(),
                display: a.id().replace('-', " "),
            }],
            text: a.id().replace('-', " "),
        })
        .collect()
}

fn session_items(s: &SessionReport, patient: &Reference, items: &mut Vec<Item>) {
    let id = &s.session.id;
    let plan = &s.plan;
    let subject = || Reference {
        reference: patient.reference.clone(),
    };
    let ended = plan.wear_start.fixed_offset();
    let mut notes = Vec::new();
    if let Some(x) = &s.session.sclerosant {
        notes.push(Annotation {
            text: format!("Sclerosant: {x}"),
        });
    }
    if let Some(x) = &s.session.clinic.name {
        notes.push(Annotation {
            text: format!("Clinic: {x}"),
        });
    }
    if !s.note.is_empty() {
        notes.push(Annotation {
            text: s.note.clone(),
        });
    }
    let procedure = item(
        &format!("procedure:{id}"),
        json!({
            "resourceType": "Procedure",
            "id": format!("session-{id}"),
            "identifier": [{"system": "urn:aftercare:session", "value": id}],
            "status": if s.future { "preparation" } else { "completed" },
            "code": {"text": "Microsclerotherapy (injection treatment of thread veins)"},
            "subject": subject(),
            "performedDateTime": instant(ended),
            "bodySite": area_concepts(s),
            "note": notes,
        }),
    );
    let procedure_ref = reference(&procedure);
    items.push(procedure);

    let mut device_type = "Graduated compression stockings".to_string();
    if let Some(c) = &s.session.stockings.class {
        device_type.push_str(&format!(", class {c}"));
    }
    if let Some(l) = &s.session.stockings.length {
        device_type.push_str(&format!(", {l}"));
    }
    let device = item(
        &format!("device:{id}"),
        json!({
            "resourceType": "Device",
            "id": format!("stockings-{id}"),
            "status": "active",
            "type": {"text": device_type},
            "patient": subject(),
        }),
    );
    let device_ref = reference(&device);
    items.push(device);

    let activities: Vec<Value> = plan
        .phases
        .iter()
        .map(|p| {
            json!({
                "detail": {
                    "kind": "DeviceRequest",
                    "code": {"text": match p.wear {
                        WearMode::Continuous => "Wear the compression stockings day and night",
                        WearMode::Daytime => "Wear the compression stockings during the day",
                    }},
                    "status": "scheduled",
                    "scheduledPeriod": to_value(Period {
                        start: instant(p.start.with_timezone(&plan.tz).fixed_offset()),
                        end: instant(p.end.with_timezone(&plan.tz).fixed_offset()),
                    }),
                    "productReference": to_value(&device_ref),
                }
            })
        })
        .collect();
    let careplan = item(
        &format!("careplan:{id}"),
        json!({
            "resourceType": "CarePlan",
            "id": format!("compression-{id}"),
            "status": if s.rows.iter().all(|r| r.state != DateState::Upcoming) { "completed" } else { "active" },
            "intent": "plan",
            "title": format!("Compression plan, {} days", plan.days_total),
            "description": "Graduated compression stockings after microsclerotherapy. The plan starts when the session ends and ends at the same wall-clock time on its last day.",
            "subject": subject(),
            "period": to_value(Period {
                start: instant(plan.wear_start.fixed_offset()),
                end: instant(plan.wear_end.fixed_offset()),
            }),
            "activity": activities,
            "supportingInfo": [to_value(&procedure_ref)],
        }),
    );
    let careplan_ref = reference(&careplan);
    items.push(careplan);

    for row in &s.rows {
        let date = row.date;
        let response = row.recorded_at.map(|recorded_at| {
            questionnaire_response(id, row, recorded_at, patient, &careplan_ref)
        });
        let status = match row.state {
            DateState::Complete | DateState::Partial => "completed",
            DateState::Missed => "stopped",
            DateState::NotRecorded | DateState::Upcoming => "intended",
        };
        let mut note = vec![format!("Adherence on {date}: {}", row.state.id())];
        for (label, a) in [("Night", row.night), ("Day", row.daytime)] {
            if let Some(text) = answer_text(a) {
                note.push(format!("{label}: {text}"));
            }
        }
        let mut dus = json!({
            "resourceType": "DeviceUseStatement",
            "id": format!("wear-{id}-{date}"),
            "status": status,
            "subject": subject(),
            "device": to_value(&device_ref),
            "recordedOn": row.recorded_at.map(instant),
            "bodySite": single(area_concepts(s)),
            "note": [{"text": note.join(". ")}],
        });
        if let Some((from, to)) = row.planned {
            dus["timingPeriod"] = to_value(Period {
                start: instant(from),
                end: instant(to),
            });
        }
        if let Some(r) = &response {
            dus["derivedFrom"] = json!([to_value(reference(r))]);
        }
        strip_empty(&mut dus);
        items.push(item(&format!("wear:{id}:{date}"), dus));
        if let Some(r) = response {
            let response_ref = reference(&r);
            items.push(r);
            if let Some(minutes) = row.walking_minutes {
                items.push(item(
                    &format!("walking:{id}:{date}"),
                    json!({
                        "resourceType": "Observation",
                        "id": format!("walking-{id}-{date}"),
                        "status": "final",
                        "category": [{"coding": [{
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "activity",
                            "display": "Activity"
                        }]}],
                        "code": {"text": "Walking time on the day"},
                        "subject": subject(),
                        "effectiveDateTime": date.to_string(),
                        "valueQuantity": {
                            "value": minutes,
                            "unit": "min",
                            "system": "http://unitsofmeasure.org",
                            "code": "min"
                        },
                        "derivedFrom": [to_value(response_ref)],
                    }),
                ));
            }
        }
    }
}

/// A photo the patient chose to share, as a Media with the JPEG inline.
fn media(photo: &Photo, jpeg: &[u8], patient: &Reference, session: &str) -> Item {
    use base64::Engine;
    let kind = match photo.kind {
        PhotoKind::Baseline => "Baseline photo, before treatment",
        PhotoKind::Result => "Result photo, three months after treatment",
    };
    let area = photo.area.id().replace('-', " ");
    item(
        &format!("media:{}", photo.id),
        json!({
            "resourceType": "Media",
            "id": format!("photo-{}", photo.id),
            "identifier": [{"system": "urn:aftercare:photo", "value": photo.id}],
            "status": "completed",
            "type": {"coding": [{
                "system": "http://terminology.hl7.org/CodeSystem/media-type",
                "code": "image",
                "display": "Image"
            }]},
            "partOf": [{"reference": format!("urn:uuid:{}", uuid(&format!("procedure:{session}")))}],
            "subject": {"reference": patient.reference},
            "createdDateTime": instant(photo.taken_at),
            "bodySite": to_value(CodeableConcept {
                coding: vec![Coding {
                    system: AREA_SYSTEM,
                    code: photo.area.id(),
                    display: area.clone(),
                }],
                text: area.clone(),
            }),
            "height": photo.height,
            "width": photo.width,
            "content": {
                "contentType": "image/jpeg",
                "data": base64::engine::general_purpose::STANDARD.encode(jpeg),
                "size": jpeg.len(),
                "title": format!("{kind}: {area}"),
                "creation": instant(photo.taken_at),
            },
            "note": [{"text": kind}],
        }),
    )
}

/// DeviceUseStatement has one body site: given when the session treated one area; the
/// Procedure lists them all.
fn single(mut areas: Vec<CodeableConcept>) -> Option<CodeableConcept> {
    if areas.len() == 1 {
        areas.pop()
    } else {
        None
    }
}

/// Drops keys whose value is null or an empty array, which FHIR does not allow.
fn strip_empty(v: &mut Value) {
    if let Some(o) = v.as_object_mut() {
        o.retain(|_, x| !(x.is_null() || x.as_array().is_some_and(|a| a.is_empty())));
    }
}

fn answer_text(a: Answer) -> Option<String> {
    match a {
        Answer::NotAsked => None,
        Answer::NoAnswer => Some("not recorded".into()),
        Answer::Given(WearAnswer::AllTheTime) => Some("worn all the time".into()),
        Answer::Given(WearAnswer::OffBriefly { minutes, reason }) => Some(format!(
            "taken off for {minutes} min ({})",
            reason.id().replace('-', " ")
        )),
        Answer::Given(WearAnswer::NotWorn) => Some("not worn".into()),
    }
}

fn wear_coding(a: WearAnswer) -> Value {
    let (code, display) = match a {
        WearAnswer::AllTheTime => ("worn", "Worn all the time"),
        WearAnswer::OffBriefly { .. } => ("partial", "Taken off briefly"),
        WearAnswer::NotWorn => ("not-worn", "Not worn"),
    };
    json!({"valueCoding": {"system": WEAR_SYSTEM, "code": code, "display": display}})
}

/// The check-in of one date (a row with `recorded_at`) as a QuestionnaireResponse.
fn questionnaire_response(
    session: &str,
    row: &Row,
    recorded_at: DateTime<FixedOffset>,
    patient: &Reference,
    careplan: &Reference,
) -> Item {
    let date = row.date;
    let earlier = row.earlier_versions;
    let mut answers = vec![json!({
        "linkId": "date",
        "text": "Date of the check-in",
        "answer": [{"valueDate": date.to_string()}]
    })];
    for (q, a) in [(Question::Night, row.night), (Question::Day, row.daytime)] {
        let Answer::Given(given) = a else { continue };
        let key = match q {
            Question::Night => "night",
            Question::Day => "day",
        };
        let mut group = vec![json!({
            "linkId": format!("{key}.worn"),
            "text": QUESTION_TEXT[if key == "night" { 0 } else { 1 }],
            "answer": [wear_coding(given)]
        })];
        if let WearAnswer::OffBriefly { minutes, reason } = given {
            group.push(json!({
                "linkId": format!("{key}.minutes-off"),
                "text": "Minutes off",
                "answer": [{"valueInteger": minutes}]
            }));
            group.push(json!({
                "linkId": format!("{key}.reason"),
                "text": "Reason",
                "answer": [{"valueCoding": {"system": REASON_SYSTEM, "code": reason.id(), "display": reason.id().replace('-', " ")}}]
            }));
        }
        answers.push(json!({"linkId": key, "text": if key == "night" { "Last night" } else { "Today" }, "item": group}));
    }
    if let Some(m) = row.walking_minutes {
        answers.push(json!({
            "linkId": "walking-minutes",
            "text": "Minutes of walking",
            "answer": [{"valueInteger": m}]
        }));
    }
    if !row.symptoms.is_empty() {
        answers.push(json!({
            "linkId": "symptoms",
            "text": "Symptoms",
            "answer": row.symptoms.iter().map(|x| json!({"valueCoding": {"system": SYMPTOM_SYSTEM, "code": x.id(), "display": x.label()}})).collect::<Vec<_>>()
        }));
    }
    if !row.note.is_empty() {
        answers.push(json!({
            "linkId": "note",
            "text": "Note",
            "answer": [{"valueString": row.note}]
        }));
    }
    let mut tags = Vec::new();
    if row.late {
        tags.push(json!({"system": FLAG_SYSTEM, "code": "late", "display": "Recorded after noon of the next day"}));
    }
    if earlier > 0 {
        tags.push(json!({"system": FLAG_SYSTEM, "code": "edited", "display": format!("Edited; {earlier} earlier version(s) kept")}));
    }
    let mut resource = json!({
        "resourceType": "QuestionnaireResponse",
        "id": format!("checkin-{session}-{date}"),
        "questionnaire": format!("{QUESTIONNAIRE_URL}|{QUESTIONNAIRE_VERSION}"),
        "status": if earlier > 0 { "amended" } else { "completed" },
        "subject": {"reference": patient.reference},
        "basedOn": [{"reference": careplan.reference}],
        "authored": instant(recorded_at),
        "item": answers,
    });
    if !tags.is_empty() {
        resource["meta"] = json!({"tag": tags});
    }
    item(&format!("checkin:{session}:{date}"), resource)
}

const QUESTION_TEXT: [&str; 2] = [
    "Did you wear the stockings last night?",
    "Did you wear the stockings today?",
];

/// The daily check-in Questionnaire the responses answer (published as
/// docs/fhir/questionnaire-daily-checkin.json; a test keeps the two equal).
pub fn questionnaire() -> Value {
    let wear_options = json!([
        {"valueCoding": {"system": WEAR_SYSTEM, "code": "worn", "display": "Worn all the time"}},
        {"valueCoding": {"system": WEAR_SYSTEM, "code": "partial", "display": "Taken off briefly"}},
        {"valueCoding": {"system": WEAR_SYSTEM, "code": "not-worn", "display": "Not worn"}}
    ]);
    let reasons: Vec<Value> = crate::domain::checkin::RemovalReason::ALL
        .iter()
        .map(|r| json!({"valueCoding": {"system": REASON_SYSTEM, "code": r.id(), "display": r.id().replace('-', " ")}}))
        .collect();
    let symptoms: Vec<Value> = crate::domain::symptoms::Symptom::ALL
        .iter()
        .map(|x| json!({"valueCoding": {"system": SYMPTOM_SYSTEM, "code": x.id(), "display": x.label()}}))
        .collect();
    let group = |key: &str, text: &str, question: &str| {
        json!({
            "linkId": key,
            "text": text,
            "type": "group",
            "item": [
                {"linkId": format!("{key}.worn"), "text": question, "type": "choice", "required": true, "answerOption": wear_options},
                {"linkId": format!("{key}.minutes-off"), "text": "Minutes off", "type": "integer",
                 "enableWhen": [{"question": format!("{key}.worn"), "operator": "=", "answerCoding": {"system": WEAR_SYSTEM, "code": "partial"}}]},
                {"linkId": format!("{key}.reason"), "text": "Reason", "type": "choice", "answerOption": reasons,
                 "enableWhen": [{"question": format!("{key}.worn"), "operator": "=", "answerCoding": {"system": WEAR_SYSTEM, "code": "partial"}}]}
            ]
        })
    };
    json!({
        "resourceType": "Questionnaire",
        "id": "daily-checkin",
        "url": QUESTIONNAIRE_URL,
        "version": QUESTIONNAIRE_VERSION,
        "name": "AftercareDailyCheckIn",
        "title": "Aftercare daily check-in after microsclerotherapy",
        "status": "active",
        "subjectType": ["Patient"],
        "description": "One response per calendar date of the compression plan. 'Last night' is asked when the night before the date lies in the plan and the phase includes nights; 'Today' when part of the date's daytime lies in the plan.",
        "item": [
            {"linkId": "date", "text": "Date of the check-in", "type": "date", "required": true},
            group("night", "Last night", QUESTION_TEXT[0]),
            group("day", "Today", QUESTION_TEXT[1]),
            {"linkId": "walking-minutes", "text": "Minutes of walking", "type": "integer"},
            {"linkId": "symptoms", "text": "Symptoms", "type": "choice", "repeats": true, "answerOption": symptoms},
            {"linkId": "note", "text": "Note", "type": "text"}
        ]
    })
}
