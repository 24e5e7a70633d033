//! Command-line dates, times and zones: the input, split at newlines, is given as `--now`,
//! `--date`, `--end-time` and `--tz`; it is refused with a message or parses to values that
//! print and parse back to themselves. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut parts = text.splitn(4, '\n');
    let mut next = || parts.next().unwrap_or("");
    let (now, date, time, zone) = (next(), next(), next(), next());
    aftercare::cli::check_datetime_args(now, date, time, zone);
});
