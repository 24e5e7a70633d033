//! The store's journal: any bytes read as a journal give entries that are exactly the start
//! of those bytes, or a refusal with a message. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    aftercare::platform::journal::check_read(data);
});
