//! Compresses the report's fonts (DejaVu Sans regular and bold, from the `dejavu` crate) into
//! `OUT_DIR`, so the binary carries them deflated (about half their size); the PDF export
//! inflates them once, when it first sets a report (`domain::export::pdf::fonts`).

use std::io::Write;

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    for (name, font) in [
        ("dejavu-sans.ttf.zlib", dejavu::sans::regular()),
        ("dejavu-sans-bold.ttf.zlib", dejavu::sans::bold()),
    ] {
        let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
        z.write_all(font).expect("deflating into memory");
        let z = z.finish().expect("deflating into memory");
        std::fs::write(out.join(name), z).expect("writing the deflated font into OUT_DIR");
    }
    println!("cargo::rerun-if-changed=build.rs");
}
