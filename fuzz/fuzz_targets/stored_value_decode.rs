//! Stored values: any bytes read as a session, a check-in, a delivery-log entry or the
//! settings either decode into a value that encodes and decodes to itself, or are refused as
//! damaged (with a message) or as written by a newer schema. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    aftercare::app::store::check_decode_value(data);
});
