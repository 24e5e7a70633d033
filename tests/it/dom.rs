//! A small test double of the webview for the Dioxus `VirtualDom`: it follows the mutations
//! the app sends to a renderer far enough to know every element's attributes by its
//! `ElementId`, so a test can find a control by its HTML `id` and send it a real event
//! (click, input, change, submit) through the Dioxus runtime, then read the page as HTML.

use aftercare::app::FixedClock;
use aftercare::platform::clock::RunClock;
use aftercare::ui::{App, Launch, Shared};
use chrono::{DateTime, Utc};
use dioxus::prelude::*;
use dioxus_core::{
    AttributeValue, ElementId, Template, TemplateAttribute, TemplateNode, WriteMutations,
};
use dioxus_html::{
    PlatformEventData, SerializedFormData, SerializedHtmlEventConverter, SerializedKeyboardData,
    SerializedMouseData,
};
use std::collections::HashMap;
use std::path::Path;
use std::rc::Rc;

/// What the tracker keeps of a node on the renderer's stack.
#[derive(Clone, Copy)]
enum StackNode {
    Template(&'static TemplateNode),
    Other,
}

/// Attributes of every element that has an id in the renderer.
#[derive(Default)]
struct Tracker {
    stack: Vec<StackNode>,
    attrs: HashMap<ElementId, HashMap<String, String>>,
    /// When each element was created: among elements that share an HTML id over time (an
    /// old one removed inside a replaced subtree, a new one mounted), the newest is live.
    born: HashMap<ElementId, u64>,
    clock: u64,
}

fn static_attrs(node: &TemplateNode) -> HashMap<String, String> {
    let mut out = HashMap::new();
    if let TemplateNode::Element { attrs, .. } = node {
        for a in attrs.iter() {
            if let TemplateAttribute::Static { name, value, .. } = a {
                out.insert(name.to_string(), value.to_string());
            }
        }
    }
    out
}

impl Tracker {
    fn create(&mut self, id: ElementId, attrs: HashMap<String, String>) {
        self.clock += 1;
        self.born.insert(id, self.clock);
        self.attrs.insert(id, attrs);
    }

    fn pop(&mut self, m: usize) {
        let keep = self.stack.len().saturating_sub(m);
        self.stack.truncate(keep);
    }
}

impl WriteMutations for Tracker {
    fn append_children(&mut self, _id: ElementId, m: usize) {
        self.pop(m);
    }
    fn assign_node_id(&mut self, path: &'static [u8], id: ElementId) {
        let Some(StackNode::Template(mut node)) = self.stack.last().copied() else {
            return;
        };
        for index in path {
            match node {
                TemplateNode::Element { children, .. } => match children.get(*index as usize) {
                    Some(child) => node = child,
                    None => return,
                },
                _ => return,
            }
        }
        self.create(id, static_attrs(node));
    }
    fn create_placeholder(&mut self, _id: ElementId) {
        self.stack.push(StackNode::Other);
    }
    fn create_text_node(&mut self, _value: &str, _id: ElementId) {
        self.stack.push(StackNode::Other);
    }
    fn load_template(&mut self, template: Template, index: usize, id: ElementId) {
        match template.roots.get(index) {
            Some(root) => {
                self.create(id, static_attrs(root));
                self.stack.push(StackNode::Template(root));
            }
            None => self.stack.push(StackNode::Other),
        }
    }
    fn replace_node_with(&mut self, _id: ElementId, m: usize) {
        self.pop(m);
    }
    fn replace_placeholder_with_nodes(&mut self, _path: &'static [u8], m: usize) {
        self.pop(m);
    }
    fn insert_nodes_after(&mut self, _id: ElementId, m: usize) {
        self.pop(m);
    }
    fn insert_nodes_before(&mut self, _id: ElementId, m: usize) {
        self.pop(m);
    }
    fn set_attribute(
        &mut self,
        name: &'static str,
        _ns: Option<&'static str>,
        value: &AttributeValue,
        id: ElementId,
    ) {
        let text = match value {
            AttributeValue::Text(t) => t.clone(),
            AttributeValue::Bool(b) => b.to_string(),
            AttributeValue::Int(i) => i.to_string(),
            AttributeValue::Float(f) => f.to_string(),
            _ => return,
        };
        self.attrs
            .entry(id)
            .or_default()
            .insert(name.to_string(), text);
    }
    fn set_node_text(&mut self, _value: &str, _id: ElementId) {}
    fn create_event_listener(&mut self, _name: &'static str, _id: ElementId) {}
    fn remove_event_listener(&mut self, _name: &'static str, _id: ElementId) {}
    fn remove_node(&mut self, id: ElementId) {
        self.attrs.remove(&id);
    }
    fn push_root(&mut self, _id: ElementId) {
        self.stack.push(StackNode::Other);
    }
}

/// The app in a `VirtualDom` on a real store, driven like a patient would.
pub struct Page {
    pub dom: VirtualDom,
    tracker: Tracker,
}

/// A fixed clock at `now` (RFC 3339) in `zone`.
pub fn clock(now: &str, zone: &str) -> RunClock {
    RunClock::Fixed(FixedClock {
        now: DateTime::parse_from_rfc3339(now)
            .expect("an RFC 3339 instant")
            .with_timezone(&Utc),
        zone: zone.parse().expect("an IANA zone"),
    })
}

impl Page {
    /// Opens the store in `dir` at `now` in `zone`, with the system locale `locale`.
    pub fn open(dir: &Path, now: &str, zone: &str, locale: &str) -> Page {
        Page::open_with(dir, now, zone, locale, |_| {})
    }

    /// As `open`, with the launch adjusted first (a notifier, a reminder sync, a switch).
    pub fn open_with(
        dir: &Path,
        now: &str,
        zone: &str,
        locale: &str,
        adjust: impl FnOnce(&mut Launch),
    ) -> Page {
        dioxus_html::set_event_converter(Box::new(SerializedHtmlEventConverter));
        let mut launch = Launch::open_in_locale(dir.to_path_buf(), clock(now, zone), locale);
        launch.export_dir = dir.join("exports");
        adjust(&mut launch);
        let shared = Shared::new(launch);
        let mut dom = VirtualDom::new(App).with_root_context(shared);
        let mut tracker = Tracker::default();
        dom.rebuild(&mut tracker);
        Page { dom, tracker }
    }

    /// Runs what the app started in the background (the whole history, loaded after the
    /// first frame) and renders the result.
    pub fn settle(&mut self) {
        for _ in 0..3 {
            self.dom.process_events();
            self.dom.render_immediate(&mut self.tracker);
        }
    }

    /// The page as HTML.
    pub fn html(&self) -> String {
        dioxus_ssr::render(&self.dom)
    }

    /// The visible text of the page: the HTML without tags, with entities decoded.
    pub fn text(&self) -> String {
        text_of(&self.html())
    }

    /// The element with this HTML `id`.
    pub fn find(&self, id: &str) -> Option<ElementId> {
        self.tracker
            .attrs
            .iter()
            .filter(|(_, attrs)| attrs.get("id").map(String::as_str) == Some(id))
            .map(|(element, _)| *element)
            .max_by_key(|e| self.tracker.born.get(e).copied().unwrap_or(0))
    }

    /// An attribute of the element with this `id`.
    pub fn attr(&self, id: &str, name: &str) -> Option<String> {
        let element = self.find(id)?;
        self.tracker.attrs.get(&element)?.get(name).cloned()
    }

    fn fire(&mut self, id: &str, name: &str, data: PlatformEventData) {
        let element = self
            .find(id)
            .unwrap_or_else(|| panic!("no element with id '{id}' on the page:\n{}", self.text()));
        let event = Event::new(Rc::new(data) as Rc<dyn std::any::Any>, true);
        self.dom.runtime().handle_event(name, event, element);
        self.dom.process_events();
        self.dom.render_immediate(&mut self.tracker);
    }

    /// Clicks the element with this `id`.
    pub fn click(&mut self, id: &str) {
        self.fire(
            id,
            "click",
            PlatformEventData::new(Box::<SerializedMouseData>::default()),
        );
    }

    fn form_event(value: &str) -> PlatformEventData {
        PlatformEventData::new(Box::new(SerializedFormData::new(value.to_string(), vec![])))
    }

    /// Types `value` into the input with this `id`.
    pub fn input(&mut self, id: &str, value: &str) {
        self.fire(id, "input", Self::form_event(value));
    }

    /// Chooses `value` in a select, radio or checkbox (`"true"`/`"false"` for checkboxes).
    pub fn change(&mut self, id: &str, value: &str) {
        self.fire(id, "change", Self::form_event(value));
    }

    /// Presses a key ("Enter", " ", "Tab") on the element with this `id`.
    pub fn key(&mut self, id: &str, key: &str) {
        use dioxus_html::input_data::keyboard_types::{Code, Key, Location, Modifiers};
        use std::str::FromStr;
        let key = Key::from_str(key).unwrap_or_else(|_| Key::Character(key.to_string()));
        let data = SerializedKeyboardData::new(
            key,
            Code::Unidentified,
            Location::Standard,
            false,
            Modifiers::empty(),
            false,
        );
        self.fire(id, "keydown", PlatformEventData::new(Box::new(data)));
    }

    /// Drops a file named `name` holding `contents` on the element with this `id`, then lets
    /// the (asynchronous) drop handler run to completion.
    pub fn drop_file(&mut self, id: &str, name: &str, contents: Vec<u8>) {
        use dioxus_html::{SerializedDataTransfer, SerializedDragData, SerializedFileData};
        let file = SerializedFileData {
            path: std::path::PathBuf::from(name),
            size: contents.len() as u64,
            last_modified: 0,
            content_type: None,
            contents: Some(dioxus_html::bytes::Bytes::from(contents)),
        };
        let data = SerializedDragData {
            mouse: Default::default(),
            data_transfer: SerializedDataTransfer {
                items: Vec::new(),
                files: vec![file],
                effect_allowed: "all".into(),
                drop_effect: "copy".into(),
            },
        };
        self.fire(id, "drop", PlatformEventData::new(Box::new(data)));
        // The handler's task is ready at once: poll the dom until no work is left.
        while futures_util::FutureExt::now_or_never(self.dom.wait_for_work()).is_some() {
            self.dom.render_immediate(&mut self.tracker);
        }
    }

    /// Chooses the file at `path` in the file input with this `id`: its `change` event as the
    /// desktop webview sends it, with the file's path (the app reads the file itself).
    pub fn choose_file(&mut self, id: &str, path: &Path) {
        use dioxus_html::{SerializedFileData, SerializedFormObject};
        let file = SerializedFileData {
            path: path.to_path_buf(),
            size: std::fs::metadata(path).map(|m| m.len()).unwrap_or(0),
            last_modified: 0,
            content_type: Some("application/json".into()),
            contents: None,
        };
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let data = SerializedFormData::new(
            name,
            vec![SerializedFormObject {
                key: id.to_string(),
                text: None,
                file: Some(file),
            }],
        );
        self.fire(id, "change", PlatformEventData::new(Box::new(data)));
    }

    /// Submits the form with this `id`.
    pub fn submit(&mut self, id: &str) {
        self.fire(id, "submit", Self::form_event(""));
    }
}

/// The text of an HTML fragment, whitespace collapsed.
pub fn text_of(html: &str) -> String {
    let mut html = html.to_string();
    while let (Some(a), Some(b)) = (html.find("<style"), html.find("</style>")) {
        if b < a {
            break;
        }
        html.replace_range(a..b + "</style>".len(), " ");
    }
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                out.push(' ');
            }
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    let decoded = out
        .replace("&amp;", "&")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&#x27;", "'");
    decoded.split_whitespace().collect::<Vec<_>>().join(" ")
}
