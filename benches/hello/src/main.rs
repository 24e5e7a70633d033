//! A bare Dioxus desktop hello-world: the baseline that `scripts/bench` compares the app's
//! start-up time and binary size with. It opens a window of the app's size, and once the page
//! has been painted (two animation frames, read back exactly as the app does for
//! `--first-frame exit`) prints `aftercare-first-frame: <heading>` and exits.

use dioxus::prelude::*;

const FIRST_FRAME_JS: &str = r#"
await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
const h = document.querySelector("main h1");
return h ? h.textContent : "";
"#;

fn main() {
    let builder = dioxus::LaunchBuilder::new();
    // The window as the app configures it on the desktop; phones launch as the app does there.
    #[cfg(feature = "desktop")]
    let builder = {
        use dioxus::desktop::{Config, LogicalSize, WindowBuilder};
        builder.with_cfg(
            Config::new().with_menu(None).with_window(
                WindowBuilder::new()
                    .with_title("Hello")
                    .with_inner_size(LogicalSize::new(420.0, 860.0)),
            ),
        )
    };
    builder.launch(App);
}

#[allow(non_snake_case)]
fn App() -> Element {
    use_effect(move || {
        spawn(async move {
            use std::io::Write;
            let heading = match document::eval(FIRST_FRAME_JS).await {
                Ok(v) => v.as_str().unwrap_or_default().to_string(),
                Err(e) => format!("(no heading: {e})"),
            };
            let mut out = std::io::stdout();
            let _ = writeln!(out, "aftercare-first-frame: {heading}");
            let _ = out.flush();
            std::process::exit(0);
        });
    });
    rsx! {
        main { h1 { "Hello, world" } }
    }
}
