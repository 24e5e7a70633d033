//! Fonts on the device for the characters of the PDF report that Helvetica, the PDF standard
//! font, lacks (anything beyond Western European: Polish, Czech, Turkish, Greek, Cyrillic,
//! Hebrew, Arabic, Chinese, Japanese, Korean): `SystemFonts`, the app's `FontSource`.
//!
//! Asked only when a report holds such characters, so most exports read no font at all.
//! Then it reads the platform's well-known fonts first: a sans-serif with wide coverage
//! (DejaVu Sans, Noto Sans or Liberation Sans on Linux, Roboto on Android, Helvetica on iOS,
//! Arial on macOS and Windows, Segoe UI on Windows), then the CJK fonts (Noto Sans CJK, Droid Sans Fallback,
//! WenQuanYi on Linux and Android; PingFang, Hiragino, Apple SD Gothic Neo on macOS and iOS;
//! Microsoft YaHei, Yu Gothic, Malgun Gothic, SimSun on Windows), and, for what they leave
//! uncovered, scans the font folders in a bounded way (depth, entries and files read are
//! capped; names that suggest CJK first). A face is taken when its character map has some of
//! the characters still needed; the face of a collection with the most is chosen.
//!
//! `AFTERCARE_FALLBACK_FONTS` replaces the search: font files or folders separated as in
//! `PATH`; set but empty, no fallback font is used at all.
//!
//! It decides nothing about the report: layout and the choice of font per character are the
//! domain's (`domain::export::pdf`).

use crate::app::FontSource;
use crate::domain::export::pdf::FallbackFont;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The variable that replaces the search with its own font files and folders.
pub const FONTS_ENV: &str = "AFTERCARE_FALLBACK_FONTS";

/// How deep the scan goes below each font folder.
const MAX_DEPTH: usize = 6;
/// How many folder entries the scan looks at, in all.
const MAX_ENTRIES: usize = 20_000;
/// How many scanned font files are read, at most.
const MAX_READ: usize = 40;
/// Larger files are not read.
const MAX_BYTES: u64 = 128 << 20;

/// Parts of file names that suggest CJK coverage: such files are read first.
const HINTS: [&str; 19] = [
    "cjk", "fallback", "droid", "wqy", "pingfang", "hiragino", "gothic", "mincho", "msyh", "yahei",
    "malgun", "simsun", "heiti", "song", "ming", "hei", "han", "unifont", "noto",
];

/// The system's fonts: known files first, then a bounded scan of font folders.
#[derive(Debug, Clone, Default)]
pub struct SystemFonts {
    known: Vec<PathBuf>,
    folders: Vec<PathBuf>,
}

impl SystemFonts {
    /// The platform's fonts, or those `AFTERCARE_FALLBACK_FONTS` names.
    pub fn new() -> Self {
        match std::env::var_os(FONTS_ENV) {
            Some(list) => {
                let (folders, known) = std::env::split_paths(&list)
                    .filter(|p| !p.as_os_str().is_empty())
                    .partition(|p| p.is_dir());
                SystemFonts { known, folders }
            }
            None => {
                let (known, folders) = places();
                SystemFonts { known, folders }
            }
        }
    }

    /// Fonts from these files (tried in order) and, for what they lack, these folders.
    pub fn with_places(known: Vec<PathBuf>, folders: Vec<PathBuf>) -> Self {
        SystemFonts { known, folders }
    }
}

impl FontSource for SystemFonts {
    fn fallback_fonts(&self, needed: &[char]) -> Vec<FallbackFont> {
        let mut search = Search {
            remaining: needed.iter().copied().collect::<BTreeSet<_>>(),
            chosen: Vec::new(),
            tried: BTreeSet::new(),
        };
        for path in &self.known {
            if search.remaining.is_empty() {
                break;
            }
            search.consider(path);
        }
        if !search.remaining.is_empty() && !self.folders.is_empty() {
            let files = scan(&self.folders);
            let mut read = 0;
            for path in files {
                if search.remaining.is_empty() || read >= MAX_READ {
                    break;
                }
                if search.consider(&path) {
                    read += 1;
                }
            }
        }
        search.chosen
    }
}

/// The state of one search.
struct Search {
    remaining: BTreeSet<char>,
    chosen: Vec<FallbackFont>,
    tried: BTreeSet<PathBuf>,
}

impl Search {
    /// Reads `path` (unless already read) and takes its face with the most of the characters
    /// still needed, if it has any. Returns whether the file was read.
    fn consider(&mut self, path: &Path) -> bool {
        let id = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        if !self.tried.insert(id) {
            return false;
        }
        let Ok(meta) = std::fs::metadata(path) else {
            return false;
        };
        if !meta.is_file() || meta.len() > MAX_BYTES {
            return false;
        }
        let Ok(bytes) = std::fs::read(path) else {
            return false;
        };
        let wanted: Vec<char> = self.remaining.iter().copied().collect();
        let best = FallbackFont::faces(Arc::new(bytes))
            .into_iter()
            .map(|face| (face.covering(&wanted), face))
            .filter(|(covered, _)| !covered.is_empty())
            .fold(None::<(Vec<char>, FallbackFont)>, |best, next| match best {
                Some(b) if b.0.len() >= next.0.len() => Some(b),
                _ => Some(next),
            });
        if let Some((covered, face)) = best {
            for c in covered {
                self.remaining.remove(&c);
            }
            self.chosen.push(face);
        }
        true
    }
}

/// Whether the file name says "font".
fn is_font_file(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
        matches!(
            e.to_ascii_lowercase().as_str(),
            "ttf" | "otf" | "ttc" | "otc"
        )
    })
}

/// The font files below `folders`, depth and entries capped, those whose names suggest CJK
/// first (then by path, so that the order does not depend on the file system).
fn scan(folders: &[PathBuf]) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut entries = 0;
    let mut stack: Vec<(PathBuf, usize)> = folders.iter().rev().map(|f| (f.clone(), 0)).collect();
    while let Some((dir, depth)) = stack.pop() {
        let Ok(list) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in list.flatten() {
            entries += 1;
            if entries > MAX_ENTRIES {
                stack.clear();
                break;
            }
            let path = entry.path();
            // Follows links (fonts are often linked into place); the depth cap ends cycles.
            let Ok(meta) = std::fs::metadata(&path) else {
                continue;
            };
            if meta.is_dir() {
                if depth + 1 < MAX_DEPTH {
                    stack.push((path, depth + 1));
                }
            } else if meta.is_file() && is_font_file(&path) {
                files.push(path);
            }
        }
    }
    let rank = |p: &PathBuf| {
        let name = p
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        HINTS
            .iter()
            .position(|h| name.contains(h))
            .unwrap_or(HINTS.len())
    };
    files.sort_by_cached_key(|p| (rank(p), p.clone()));
    files
}

/// The home folder, if known (not every platform's list uses it).
#[allow(dead_code)]
fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
}

/// Paths from string literals (not every platform's list uses it).
#[allow(dead_code)]
fn paths(list: &[&str]) -> Vec<PathBuf> {
    list.iter().map(PathBuf::from).collect()
}

/// The well-known font files and the font folders of this platform.
#[cfg(target_os = "android")]
fn places() -> (Vec<PathBuf>, Vec<PathBuf>) {
    (
        paths(&[
            "/system/fonts/Roboto-Regular.ttf",
            "/system/fonts/NotoSans-Regular.ttf",
            "/system/fonts/NotoSansCJK-Regular.ttc",
            "/system/fonts/NotoSansSC-Regular.otf",
            "/system/fonts/NotoSansJP-Regular.otf",
            "/system/fonts/NotoSansKR-Regular.otf",
            "/system/fonts/DroidSansFallbackFull.ttf",
            "/system/fonts/DroidSansFallback.ttf",
        ]),
        paths(&["/system/fonts", "/product/fonts"]),
    )
}

/// The well-known font files and the font folders of this platform.
#[cfg(target_os = "ios")]
fn places() -> (Vec<PathBuf>, Vec<PathBuf>) {
    (
        paths(&[
            "/System/Library/Fonts/Core/Helvetica.ttc",
            "/System/Library/Fonts/Core/HelveticaNeue.ttc",
            "/System/Library/Fonts/Core/ArialHB.ttc",
            "/System/Library/Fonts/Core/GeezaPro.ttc",
            "/System/Library/Fonts/Core/PingFang.ttc",
            "/System/Library/Fonts/LanguageSupport/PingFang.ttc",
            "/System/Library/Fonts/Core/Hiragino Sans GB.ttc",
            "/System/Library/Fonts/Core/AppleSDGothicNeo.ttc",
            "/System/Library/Fonts/CoreAddition/AppleSDGothicNeo.ttc",
            "/System/Library/Fonts/CoreUI/AppleSDGothicNeo.ttc",
            "/System/Library/Fonts/Core/STHeiti Light.ttc",
        ]),
        paths(&["/System/Library/Fonts"]),
    )
}

/// The well-known font files and the font folders of this platform.
#[cfg(target_os = "macos")]
fn places() -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut folders = paths(&["/System/Library/Fonts", "/Library/Fonts"]);
    folders.extend(home().map(|h| h.join("Library/Fonts")));
    (
        paths(&[
            "/System/Library/Fonts/Supplemental/Arial.ttf",
            "/Library/Fonts/Arial.ttf",
            "/System/Library/Fonts/PingFang.ttc",
            "/System/Library/Fonts/Hiragino Sans GB.ttc",
            "/System/Library/Fonts/AppleSDGothicNeo.ttc",
            "/System/Library/Fonts/STHeiti Light.ttc",
            "/System/Library/Fonts/STHeiti Medium.ttc",
            "/System/Library/Fonts/Supplemental/Arial Unicode.ttf",
        ]),
        folders,
    )
}

/// The well-known font files and the font folders of this platform.
#[cfg(windows)]
fn places() -> (Vec<PathBuf>, Vec<PathBuf>) {
    let windows = std::env::var_os("WINDIR")
        .or_else(|| std::env::var_os("SystemRoot"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(r"C:\Windows"));
    let fonts = windows.join("Fonts");
    let known = [
        "arial.ttf",
        "segoeui.ttf",
        "msyh.ttc",
        "YuGothR.ttc",
        "malgun.ttf",
        "simsun.ttc",
        "meiryo.ttc",
        "msgothic.ttc",
    ]
    .iter()
    .map(|f| fonts.join(f))
    .collect();
    let mut folders = vec![fonts];
    folders.extend(
        std::env::var_os("LOCALAPPDATA").map(|l| PathBuf::from(l).join(r"Microsoft\Windows\Fonts")),
    );
    (known, folders)
}

/// The well-known font files and the font folders of this platform (Linux and other Unix:
/// Debian/Ubuntu, Fedora and Arch package paths).
#[cfg(not(any(target_os = "android", target_os = "ios", target_os = "macos", windows)))]
fn places() -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut folders = paths(&["/usr/share/fonts", "/usr/local/share/fonts"]);
    let data_home = std::env::var_os("XDG_DATA_HOME")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| home().map(|h| h.join(".local/share")));
    folders.extend(data_home.map(|d| d.join("fonts")));
    folders.extend(home().map(|h| h.join(".fonts")));
    (
        paths(&[
            "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
            "/usr/share/fonts/dejavu-sans-fonts/DejaVuSans.ttf",
            "/usr/share/fonts/TTF/DejaVuSans.ttf",
            "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
            "/usr/share/fonts/noto/NotoSans-Regular.ttf",
            "/usr/share/fonts/truetype/liberation/LiberationSans-Regular.ttf",
            "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/google-noto-cjk/NotoSansCJK-Regular.ttc",
            "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
            "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
            "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
            "/usr/share/fonts/wenquanyi/wqy-microhei/wqy-microhei.ttc",
            "/usr/share/fonts/wqy-microhei/wqy-microhei.ttc",
        ]),
        folders,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A font scripts/setup installs.
    fn installed(path: &str) -> PathBuf {
        let path = PathBuf::from(path);
        assert!(
            path.is_file(),
            "{} is missing: run scripts/setup (it installs it)",
            path.display()
        );
        path
    }

    /// Droid Sans Fallback: Chinese and Japanese, no Korean.
    fn droid() -> PathBuf {
        installed("/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf")
    }

    /// WenQuanYi Micro Hei: Chinese, Japanese and Korean.
    fn wqy() -> PathBuf {
        installed("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    }

    const CJK: [char; 4] = ['足', 'が', '弹', '압'];

    #[test]
    fn known_files_are_tried_in_order_until_every_character_is_covered() {
        let fonts = SystemFonts::with_places(
            vec![
                PathBuf::from("/nonexistent/font.ttc"),
                droid(),
                droid(),
                wqy(),
                wqy(),
            ],
            Vec::new(),
        );
        let chosen = fonts.fallback_fonts(&CJK);
        // Droid Sans Fallback for Chinese and Japanese, WenQuanYi for the Korean it lacks.
        assert_eq!(chosen.len(), 2, "{chosen:?}");
        assert_eq!(chosen[0].covering(&CJK), ['足', 'が', '弹']);
        assert_eq!(chosen[1].covering(&CJK), CJK);
        // A font that adds nothing is not taken.
        let fonts = SystemFonts::with_places(vec![wqy(), droid()], Vec::new());
        assert_eq!(fonts.fallback_fonts(&CJK).len(), 1);
    }

    #[test]
    fn the_folder_scan_finds_fonts_and_skips_files_that_are_not_fonts() {
        let dir = tempfile::tempdir().unwrap();
        let deep = dir.path().join("a/b");
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(dir.path().join("broken-cjk.ttf"), b"not a font").unwrap();
        std::fs::write(dir.path().join("notes.txt"), b"not a font either").unwrap();
        std::fs::copy(wqy(), deep.join("Some.ttc")).unwrap();
        let fonts = SystemFonts::with_places(Vec::new(), vec![dir.path().to_path_buf()]);
        let chosen = fonts.fallback_fonts(&CJK);
        assert_eq!(chosen.len(), 1, "{chosen:?}");
        assert_eq!(chosen[0].covering(&CJK), CJK);
        // Nothing to look for reads nothing; a character no font has gives no font.
        assert!(fonts.fallback_fonts(&[]).is_empty());
        assert!(fonts.fallback_fonts(&['\u{FDD0}']).is_empty());
    }

    #[test]
    fn the_scan_stops_at_its_depth_and_puts_likely_names_first() {
        let dir = tempfile::tempdir().unwrap();
        let mut deep = dir.path().to_path_buf();
        for i in 0..MAX_DEPTH + 1 {
            deep = deep.join(format!("d{i}"));
        }
        std::fs::create_dir_all(&deep).unwrap();
        std::fs::write(deep.join("Deep.ttf"), b"x").unwrap();
        std::fs::write(dir.path().join("Arial.ttf"), b"x").unwrap();
        std::fs::write(dir.path().join("NotoSansCJK.ttc"), b"x").unwrap();
        let files = scan(&[dir.path().to_path_buf()]);
        let names: Vec<_> = files
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["NotoSansCJK.ttc", "Arial.ttf"]);
    }
}
