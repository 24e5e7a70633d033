//! iOS: one photo from the camera or the photo library (`UIImagePickerController`, handed
//! back as JPEG), and one file from the Files app (`UIDocumentPickerViewController`, as a
//! copy). Each picker is presented on the main thread over the top view controller; its
//! delegate, defined here with objc2, holds the oneshot sender of the waiting async call.
//!
//! Only what the patient picks is read. The library picker runs out of the app's process,
//! so it needs no photo-library permission; the camera asks with `NSCameraUsageDescription`.

use crate::platform::ios_ui;
use futures_channel::oneshot;
use objc2::rc::Retained;
use objc2::runtime::{AnyObject, NSObjectProtocol, ProtocolObject};
use objc2::{define_class, msg_send, DefinedClass, MainThreadMarker, MainThreadOnly};
use objc2_foundation::{NSArray, NSDictionary, NSObject, NSURL};
use objc2_ui_kit::{
    UIDocumentPickerDelegate, UIDocumentPickerViewController, UIImage, UIImagePickerController,
    UIImagePickerControllerDelegate, UIImagePickerControllerInfoKey,
    UIImagePickerControllerOriginalImage, UIImagePickerControllerSourceType,
    UIModalPresentationStyle, UINavigationControllerDelegate,
};
use objc2_uniform_type_identifiers::{UTType, UTTypeData, UTTypeJSON};
use std::cell::RefCell;

/// What a picker hands back: the bytes, `None` when cancelled, or why it failed.
type Picked = Result<Option<Vec<u8>>, String>;
type Reply = oneshot::Sender<Picked>;

/// JPEG quality of photos from the picker: high, since the core re-encodes after scaling.
const JPEG_QUALITY: f64 = 0.92;

/// The delegate's state: the sender, taken by the first answer.
struct PickerState {
    reply: RefCell<Option<Reply>>,
}

impl PickerState {
    fn answer(&self, picked: Picked) {
        if let Some(reply) = self.reply.borrow_mut().take() {
            let _ = reply.send(picked);
        }
    }

    fn is_open(&self) -> bool {
        self.reply.borrow().is_some()
    }
}

define_class!(
    /// The delegate of one `UIImagePickerController`.
    #[unsafe(super(NSObject))]
    #[thread_kind = MainThreadOnly]
    #[name = "AftercareImagePickerDelegate"]
    #[ivars = PickerState]
    struct ImageDelegate;

    unsafe impl NSObjectProtocol for ImageDelegate {}

    unsafe impl UINavigationControllerDelegate for ImageDelegate {}

    unsafe impl UIImagePickerControllerDelegate for ImageDelegate {
        #[unsafe(method(imagePickerController:didFinishPickingMediaWithInfo:))]
        fn did_finish(
            &self,
            picker: &UIImagePickerController,
            info: &NSDictionary<UIImagePickerControllerInfoKey, AnyObject>,
        ) {
            let picked = jpeg_of(info);
            picker.dismissViewControllerAnimated_completion(true, None);
            self.ivars().answer(picked);
        }

        #[unsafe(method(imagePickerControllerDidCancel:))]
        fn did_cancel(&self, picker: &UIImagePickerController) {
            picker.dismissViewControllerAnimated_completion(true, None);
            self.ivars().answer(Ok(None));
        }
    }
);

define_class!(
    /// The delegate of one `UIDocumentPickerViewController`.
    #[unsafe(super(NSObject))]
    #[thread_kind = MainThreadOnly]
    #[name = "AftercareDocumentPickerDelegate"]
    #[ivars = PickerState]
    struct DocumentDelegate;

    unsafe impl NSObjectProtocol for DocumentDelegate {}

    unsafe impl UIDocumentPickerDelegate for DocumentDelegate {
        #[unsafe(method(documentPicker:didPickDocumentsAtURLs:))]
        fn did_pick(&self, _picker: &UIDocumentPickerViewController, urls: &NSArray<NSURL>) {
            self.ivars().answer(read_copy(urls));
        }

        #[unsafe(method(documentPickerWasCancelled:))]
        fn was_cancelled(&self, _picker: &UIDocumentPickerViewController) {
            self.ivars().answer(Ok(None));
        }
    }
);

impl ImageDelegate {
    fn new(reply: Reply, mtm: MainThreadMarker) -> Retained<Self> {
        let this = Self::alloc(mtm).set_ivars(PickerState {
            reply: RefCell::new(Some(reply)),
        });
        // SAFETY: NSObject's init on a freshly allocated object.
        unsafe { msg_send![super(this), init] }
    }
}

impl DocumentDelegate {
    fn new(reply: Reply, mtm: MainThreadMarker) -> Retained<Self> {
        let this = Self::alloc(mtm).set_ivars(PickerState {
            reply: RefCell::new(Some(reply)),
        });
        // SAFETY: NSObject's init on a freshly allocated object.
        unsafe { msg_send![super(this), init] }
    }
}

thread_local! {
    // Pickers hold their delegate weakly: the last one is kept here, on the main thread. It is
    // replaced by the next picker, never released from inside its own callback.
    static IMAGE_DELEGATE: RefCell<Option<Retained<ImageDelegate>>> = const { RefCell::new(None) };
    static DOCUMENT_DELEGATE: RefCell<Option<Retained<DocumentDelegate>>> = const { RefCell::new(None) };
}

/// The photo in a picker's answer, as JPEG (the core reads JPEG and PNG, not HEIC).
fn jpeg_of(info: &NSDictionary<UIImagePickerControllerInfoKey, AnyObject>) -> Picked {
    // SAFETY: a constant NSString exported by UIKit.
    let key = unsafe { UIImagePickerControllerOriginalImage };
    let image = info
        .objectForKey(key)
        .and_then(|object| object.downcast::<UIImage>().ok())
        .ok_or("the picker returned no photo")?;
    let jpeg = image
        .jpeg_representation(JPEG_QUALITY)
        .ok_or("the photo could not be converted to JPEG")?;
    Ok(Some(jpeg.to_vec()))
}

/// The bytes of the picked copy; the copy (in the app's temporary folder) is removed.
fn read_copy(urls: &NSArray<NSURL>) -> Picked {
    let url = urls.firstObject().ok_or("no file was picked")?;
    let path = url
        .path()
        .map(|p| std::path::PathBuf::from(p.to_string()))
        .ok_or("the picked file has no path")?;
    let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()));
    let _ = std::fs::remove_file(&path);
    bytes.map(Some)
}

/// Whether the camera can be used from inside the app (`isSourceTypeAvailable(.camera)`).
pub fn camera_available() -> bool {
    dispatch2::run_on_main(|mtm| {
        UIImagePickerController::isSourceTypeAvailable(
            UIImagePickerControllerSourceType::Camera,
            mtm,
        )
    })
}

/// Opens the camera (`camera == true`) or the photo library and waits for the patient.
pub async fn capture_photo(camera: bool) -> Picked {
    let (tx, rx) = oneshot::channel();
    ios_ui::on_main(move |mtm| {
        if let Err(e) = open_image_picker(camera, tx, mtm) {
            eprintln!("aftercare: {e}");
        }
    });
    rx.await
        .map_err(|_| "the photo picker closed unexpectedly".to_string())?
}

/// Presents a `UIImagePickerController`; a failure is sent as the answer.
fn open_image_picker(camera: bool, tx: Reply, mtm: MainThreadMarker) -> Result<(), String> {
    let busy =
        IMAGE_DELEGATE.with(|slot| slot.borrow().as_ref().is_some_and(|d| d.ivars().is_open()));
    if busy {
        let _ = tx.send(Err("a photo picker is already open".into()));
        return Ok(());
    }
    #[allow(deprecated)] // PHPicker is the successor; objc2-photos-ui has no iOS binding of it.
    let source = if camera {
        UIImagePickerControllerSourceType::Camera
    } else {
        UIImagePickerControllerSourceType::PhotoLibrary
    };
    if !UIImagePickerController::isSourceTypeAvailable(source, mtm) {
        let what = if camera { "camera" } else { "photo library" };
        let _ = tx.send(Err(format!("this device's {what} cannot be used")));
        return Ok(());
    }
    let delegate = ImageDelegate::new(tx, mtm);
    let picker = UIImagePickerController::new(mtm);
    picker.setSourceType(source);
    if !camera {
        // A popover on iPad (anchored by `present`), full screen on iPhone.
        picker.setModalPresentationStyle(UIModalPresentationStyle::Popover);
    }
    // Closed only through Cancel or a choice, so the delegate always answers.
    picker.setModalInPresentation(true);
    let object: &AnyObject = delegate.as_ref();
    // SAFETY: the delegate conforms to UIImagePickerControllerDelegate and
    // UINavigationControllerDelegate, and is kept alive in IMAGE_DELEGATE.
    unsafe { picker.setDelegate(Some(object)) };
    IMAGE_DELEGATE.with(|slot| *slot.borrow_mut() = Some(delegate.clone()));
    if let Err(e) = ios_ui::present(&picker, mtm) {
        delegate.ivars().answer(Err(e.clone()));
        return Err(e);
    }
    Ok(())
}

/// Opens the Files picker for one file (a copy) and waits for the patient.
pub async fn pick_document() -> Picked {
    let (tx, rx) = oneshot::channel();
    ios_ui::on_main(move |mtm| {
        if let Err(e) = open_document_picker(tx, mtm) {
            eprintln!("aftercare: {e}");
        }
    });
    rx.await
        .map_err(|_| "the file picker closed unexpectedly".to_string())?
}

/// Presents a `UIDocumentPickerViewController`; a failure is sent as the answer.
fn open_document_picker(tx: Reply, mtm: MainThreadMarker) -> Result<(), String> {
    let busy =
        DOCUMENT_DELEGATE.with(|slot| slot.borrow().as_ref().is_some_and(|d| d.ivars().is_open()));
    if busy {
        let _ = tx.send(Err("a file picker is already open".into()));
        return Ok(());
    }
    // SAFETY: constant UTTypes exported by UniformTypeIdentifiers.
    let types: [&UTType; 2] = unsafe { [UTTypeJSON, UTTypeData] };
    let types = NSArray::from_slice(&types);
    let picker = UIDocumentPickerViewController::initForOpeningContentTypes_asCopy(
        UIDocumentPickerViewController::alloc(mtm),
        &types,
        true,
    );
    picker.setAllowsMultipleSelection(false);
    picker.setModalInPresentation(true);
    let delegate = DocumentDelegate::new(tx, mtm);
    picker.setDelegate(Some(ProtocolObject::from_ref(&*delegate)));
    DOCUMENT_DELEGATE.with(|slot| *slot.borrow_mut() = Some(delegate.clone()));
    if let Err(e) = ios_ui::present(&picker, mtm) {
        delegate.ivars().answer(Err(e.clone()));
        return Err(e);
    }
    Ok(())
}
