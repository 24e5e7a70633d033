//! iOS: the UIKit pieces the native sheets share: the main thread, the view controller to
//! present from, and presenting (anchored in the middle of the screen on iPad, where sheets
//! are popovers). It presents only what the patient asked for and keeps no state.

use objc2::rc::Retained;
use objc2::MainThreadMarker;
use objc2_core_foundation::{CGPoint, CGRect, CGSize};
use objc2_ui_kit::{
    UIApplication, UIPopoverArrowDirection, UIViewController, UIWindow, UIWindowScene,
};

/// The main thread's marker, or an error off the main thread. Dioxus runs the app's
/// components, event handlers and tasks on the main thread, where UIKit must be used.
pub fn main_thread() -> Result<MainThreadMarker, String> {
    MainThreadMarker::new().ok_or_else(|| "iOS sheets open only from the main thread".to_string())
}

/// Runs `f` on the main thread: at once when already there, else queued on the main queue.
pub fn on_main(f: impl FnOnce(MainThreadMarker) + Send + 'static) {
    match MainThreadMarker::new() {
        Some(mtm) => f(mtm),
        None => dispatch2::DispatchQueue::main().exec_async(move || {
            if let Some(mtm) = MainThreadMarker::new() {
                f(mtm);
            }
        }),
    }
}

/// The key window of the foreground scene (else any window of any scene).
fn key_window(mtm: MainThreadMarker) -> Option<Retained<UIWindow>> {
    let scenes = UIApplication::sharedApplication(mtm)
        .connectedScenes()
        .allObjects()
        .to_vec();
    let mut any = None;
    for scene in scenes {
        let Ok(scene) = scene.downcast::<UIWindowScene>() else {
            continue;
        };
        if let Some(window) = scene.keyWindow() {
            return Some(window);
        }
        if any.is_none() {
            any = scene.windows().firstObject();
        }
    }
    any
}

/// The view controller on top: the key window's root, or what it presents, and so on.
pub fn top_view_controller(mtm: MainThreadMarker) -> Result<Retained<UIViewController>, String> {
    let window = key_window(mtm).ok_or("the app has no window to open the sheet over")?;
    let mut top = window
        .rootViewController()
        .ok_or("the app's window has no view controller")?;
    while let Some(next) = top.presentedViewController() {
        if next.isBeingDismissed() {
            break;
        }
        top = next;
    }
    Ok(top)
}

/// Presents `sheet` over the top view controller. Where the sheet is a popover (iPad), it
/// points at the middle of the screen with no arrow.
pub fn present(sheet: &UIViewController, mtm: MainThreadMarker) -> Result<(), String> {
    let top = top_view_controller(mtm)?;
    if let (Some(popover), Some(view)) = (sheet.popoverPresentationController(), top.view()) {
        let bounds = view.bounds();
        popover.setSourceView(Some(&view));
        popover.setSourceRect(CGRect::new(
            CGPoint::new(bounds.size.width / 2.0, bounds.size.height / 2.0),
            CGSize::new(0.0, 0.0),
        ));
        popover.setPermittedArrowDirections(UIPopoverArrowDirection(0));
    }
    top.presentViewController_animated_completion(sheet, true, None);
    Ok(())
}
