//! Backup import: any bytes either decode into a valid backup that encodes and decodes to the
//! same snapshot, or are refused with a message. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    aftercare::domain::backup::check_decode(data);
});
