//! The Photos screen: per session, the result-photo prompt (due date, what is missing, done,
//! or dismissed), and per treated area the pose guide and the baseline beside the result
//! (the compare view). The capture panel shows the baseline faintly beside the camera and
//! picker buttons so that the result matches it; on desktop a file can also be dropped on it.
//!
//! Components only send intents; picking or taking the photo is `platform::capture`.

use super::state::{Intent, PhotoTarget, Ui};
use crate::domain::area::TreatedArea;
use crate::domain::i18n::fill;
use crate::domain::photo::{self, Photo, PhotoKind, PhotoPrompt};
use crate::platform::capture::{camera_available, capture_photo, CaptureSource};
use dioxus::html::HasFileData;
use dioxus::prelude::*;
use std::collections::BTreeMap;

#[component]
pub fn PhotosScreen() -> Element {
    let ui = use_context::<Ui>();
    let st = ui.state.read();
    let locale = st.locale();
    let t = locale.t();
    let Some(data) = st.data() else {
        return rsx! {};
    };
    let today = data.status.today;
    let photos = data.photos.clone();
    let images = st.photo_images.clone();
    let target = st.photo_target.clone();
    let confirm = st.photo_delete.clone();
    // The current session first, then the others, newest first.
    let mut sessions: Vec<_> = data
        .status
        .sessions
        .iter()
        .map(|s| s.session.clone())
        .collect();
    sessions.sort_by_key(|s| std::cmp::Reverse(s.date));
    if let Some(current) = data.status.current() {
        if let Some(i) = sessions.iter().position(|s| s.id == current.session.id) {
            let s = sessions.remove(i);
            sessions.insert(0, s);
        }
    }
    rsx! {
        section { class: "card",
            h1 { "{t.photo_title}" }
            p { class: "small muted", "{t.photos_intro}" }
            details {
                summary { "{t.photos_guide_title}" }
                p { "{t.photos_guide}" }
            }
            if !photos.is_empty() {
                button { id: "photos-share", class: "secondary", onclick: {
                    let ui = ui.clone();
                    move |_| ui.send(Intent::Go(super::state::Screen::Share))
                }, "{t.open_share}" }
            }
        }
        if let Some(id) = confirm {
            div { class: "card confirm", role: "alertdialog", aria_labelledby: "photo-delete-text",
                p { id: "photo-delete-text", "{t.photo_delete_confirm}" }
                div { class: "actions",
                    button { id: "photo-delete-confirm", class: "danger primary", onclick: {
                        let ui = ui.clone();
                        let id = id.clone();
                        move |_| ui.send(Intent::DeletePhoto(id.clone()))
                    }, "{t.photo_delete}" }
                    button { id: "photo-delete-cancel", class: "secondary", onclick: {
                        let ui = ui.clone();
                        move |_| ui.send(Intent::AskDeletePhoto(None))
                    }, "{t.cancel}" }
                }
            }
        }
        for session in sessions {
            section { class: "card", key: "{session.id}", aria_labelledby: "photos-{session.id}",
                h2 { id: "photos-{session.id}",
                    {fill(t.photo_session, &[("date", &locale.date_long(session.date))])}
                }
                PromptLine { prompt: photo::prompt(&session, &photos, today), session: session.id.clone() }
                for area in session.areas.clone() {
                    AreaPhotos {
                        key: "{session.id}-{area}",
                        session: session.id.clone(),
                        area,
                        baseline: photo::latest(&photos, &session.id, area, PhotoKind::Baseline).cloned(),
                        result: photo::latest(&photos, &session.id, area, PhotoKind::Result).cloned(),
                        images: images.clone(),
                        target: target.clone().filter(|x| x.session == session.id && x.area == area),
                    }
                }
            }
        }
    }
}

/// The prompt of one session, with the button that closes or reopens it.
#[component]
fn PromptLine(prompt: PhotoPrompt, session: String) -> Element {
    let ui = use_context::<Ui>();
    let locale = ui.locale();
    let t = locale.t();
    let (text, dismissed) = match prompt {
        PhotoPrompt::NotYet { due } => (
            fill(t.photo_due, &[("date", &locale.date_long(due))]),
            Some(false),
        ),
        PhotoPrompt::Due { missing, .. } => (
            format!(
                "{} {}",
                t.photo_due_now,
                fill(t.photo_missing, &[("missing", &missing.to_string())])
            ),
            Some(false),
        ),
        PhotoPrompt::Done => (t.photo_done.to_string(), None),
        PhotoPrompt::Dismissed => (t.photo_dismissed.to_string(), Some(true)),
    };
    rsx! {
        p { class: "note", id: "photo-prompt-{session}", "{text}" }
        if let Some(dismissed) = dismissed {
            button {
                class: "link",
                id: "photo-dismiss-{session}",
                onclick: {
                    let session = session.clone();
                    move |_| ui.send(Intent::DismissPhotos { session: session.clone(), dismissed: !dismissed })
                },
                if dismissed { "{t.photo_reopen}" } else { "{t.photo_dismiss}" }
            }
        }
    }
}

/// One treated area: the guide, baseline beside result, and the capture panel when open.
#[component]
fn AreaPhotos(
    session: String,
    area: TreatedArea,
    baseline: Option<Photo>,
    result: Option<Photo>,
    images: BTreeMap<String, Result<String, String>>,
    target: Option<PhotoTarget>,
) -> Element {
    let ui = use_context::<Ui>();
    let locale = ui.locale();
    let t = locale.t();
    let area_id = area.id();
    rsx! {
        div { class: "area-photos", id: "area-{session}-{area_id}",
            h3 { "{t.area(area)}" }
            p { class: "small muted", "{t.photo_guide(area)}" }
            div { class: "compare", role: "group", aria_label: "{t.photo_compare}",
                for (kind, photo) in [(PhotoKind::Baseline, baseline.clone()), (PhotoKind::Result, result.clone())] {
                    figure { key: "{kind}", class: "shot", id: "shot-{session}-{area_id}-{kind}",
                        figcaption { class: "small", strong { "{t.photo_kind(kind)}" } }
                        match &photo {
                            Some(p) => rsx! {
                                PhotoImage { photo: p.clone(), image: images.get(&p.id).cloned(), faint: false }
                                p { class: "small muted",
                                    {fill(t.photo_taken, &[("date", &locale.date_long(p.taken_at.date_naive()))])}
                                }
                                button { class: "link danger small", id: "photo-delete-{p.id}", onclick: {
                                    let ui = ui.clone();
                                    let id = p.id.clone();
                                    move |_| ui.send(Intent::AskDeletePhoto(Some(id.clone())))
                                }, "{t.photo_delete}" }
                            },
                            None => rsx! { div { class: "placeholder", "{t.photo_none}" } },
                        }
                        button {
                            class: "secondary",
                            id: "photo-add-{session}-{area_id}-{kind}",
                            onclick: {
                                let ui = ui.clone();
                                let target = PhotoTarget { session: session.clone(), area, kind };
                                move |_| ui.send(Intent::PhotoCapture(Some(target.clone())))
                            },
                            aria_label: "{t.photo_add}: {t.photo_kind(kind)}, {t.area(area)}",
                            "{t.photo_add}"
                        }
                    }
                }
            }
            if let Some(target) = target {
                CapturePanel { target, baseline, images }
            }
        }
    }
}

/// A stored photo as a small image, or why it cannot be shown.
#[component]
fn PhotoImage(photo: Photo, image: Option<Result<String, String>>, faint: bool) -> Element {
    let ui = use_context::<Ui>();
    let locale = ui.locale();
    let t = locale.t();
    let alt = format!(
        "{}: {}, {}",
        t.photo_kind(photo.kind),
        t.area(photo.area),
        locale.date_long(photo.taken_at.date_naive())
    );
    match image {
        Some(Ok(src)) => rsx! {
            img { class: if faint { "photo faint" } else { "photo" }, src: "{src}", alt: "{alt}" }
        },
        Some(Err(_)) => rsx! { div { class: "placeholder", "{t.photo_missing_file}" } },
        None => rsx! { div { class: "placeholder", "{alt}" } },
    }
}

/// Where the photo comes from: the guide, the baseline shown faintly for a result photo, the
/// camera (phones) and picker buttons, and a drop zone for image files.
#[component]
fn CapturePanel(
    target: PhotoTarget,
    baseline: Option<Photo>,
    images: BTreeMap<String, Result<String, String>>,
) -> Element {
    let ui = use_context::<Ui>();
    let locale = ui.locale();
    let t = locale.t();
    let matching = baseline.filter(|_| target.kind == PhotoKind::Result);
    rsx! {
        div {
            class: "capture",
            id: "capture-panel",
            role: "region",
            aria_label: "{t.photo_kind(target.kind)}: {t.area(target.area)}",
            ondragover: move |e| e.prevent_default(),
            ondrop: {
                let ui = ui.clone();
                let target = target.clone();
                move |e: DragEvent| {
                    e.prevent_default();
                    let ui = ui.clone();
                    let target = target.clone();
                    async move {
                        if let Some(file) = e.files().into_iter().next() {
                            match file.read_bytes().await {
                                Ok(bytes) => ui.send(Intent::AddPhoto { target, bytes: bytes.to_vec() }),
                                Err(err) => ui.send(Intent::Invalid(format!("{}: {err}", file.name()))),
                            }
                        }
                    }
                }
            },
            h3 { "{t.photo_kind(target.kind)}: {t.area(target.area)}" }
            p { class: "small", "{t.photos_guide}" }
            if let Some(b) = matching {
                p { class: "small",
                    {fill(t.photo_match, &[("date", &locale.date_long(b.taken_at.date_naive()))])}
                }
                PhotoImage { photo: b.clone(), image: images.get(&b.id).cloned(), faint: true }
            }
            div { class: "actions",
                if camera_available() {
                    button { class: "primary", id: "photo-camera", onclick: {
                        let ui = ui.clone();
                        let target = target.clone();
                        move |_| pick(ui.clone(), CaptureSource::Camera, target.clone())
                    }, "{t.photo_take}" }
                }
                button { class: if camera_available() { "secondary" } else { "primary" }, id: "photo-choose", onclick: {
                    let ui = ui.clone();
                    let target = target.clone();
                    move |_| pick(ui.clone(), CaptureSource::Library, target.clone())
                }, "{t.photo_choose}" }
                button { class: "link", id: "photo-capture-close", onclick: move |_| ui.send(Intent::PhotoCapture(None)), "{t.cancel}" }
            }
            if !camera_available() {
                p { class: "drop small muted", "{t.photo_drop}" }
            }
        }
    }
}

/// Asks the platform for a photo and adds it; a cancel does nothing, a failure is a banner.
fn pick(ui: Ui, source: CaptureSource, target: PhotoTarget) {
    spawn(async move {
        match capture_photo(source).await {
            Ok(Some(bytes)) => ui.send(Intent::AddPhoto { target, bytes }),
            Ok(None) => {}
            Err(e) => ui.send(Intent::Invalid(e)),
        }
    });
}
