//! Limits on the free text a patient types (notes, names, numbers), checked where a session
//! or a check-in is made and where a backup is validated, so that every file the app writes
//! (the PDF report above all) stays bounded. Pure; no IO.

/// The longest note (a check-in's or a session's), in characters: a long letter's worth.
pub const MAX_NOTE_CHARS: usize = 4_000;

/// The longest one-line field (clinic name, phone, e-mail, sclerosant, stockings), in
/// characters.
pub const MAX_FIELD_CHARS: usize = 200;

/// Checks a note: at most [`MAX_NOTE_CHARS`] characters; line breaks and tabs are allowed,
/// no other control character.
pub fn check_note(what: &str, text: &str) -> Result<(), String> {
    check(what, text, MAX_NOTE_CHARS, |c| c == '\n' || c == '\t')
}

/// Checks a one-line field: at most [`MAX_FIELD_CHARS`] characters and no control
/// character (a line break or an escape sequence would forge lines in the terminal).
pub fn check_field(what: &str, text: &str) -> Result<(), String> {
    check(what, text, MAX_FIELD_CHARS, |_| false)
}

fn check(what: &str, text: &str, max: usize, allowed: impl Fn(char) -> bool) -> Result<(), String> {
    let count = text.chars().count();
    if count > max {
        return Err(format!(
            "the {what} is too long ({count} characters; at most {max})"
        ));
    }
    if let Some(c) = text.chars().find(|c| c.is_control() && !allowed(*c)) {
        return Err(format!(
            "the {what} holds a control character (U+{:04X}): remove it",
            u32::from(c)
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notes_and_fields_are_bounded_and_free_of_control_characters() {
        assert!(check_note("note", "Felt fine.\nWalked\t30 min.").is_ok());
        assert!(check_note("note", &"é".repeat(MAX_NOTE_CHARS)).is_ok());
        let long = check_note("note", &"a".repeat(MAX_NOTE_CHARS + 1)).unwrap_err();
        assert!(
            long.contains("too long (4001 characters; at most 4000)"),
            "{long}"
        );
        assert!(check_note("note", "red\u{1b}[31m")
            .unwrap_err()
            .contains("U+001B"));
        assert!(check_field("clinic name", "Vein Clinic").is_ok());
        assert!(check_field("clinic name", "two\nlines")
            .unwrap_err()
            .contains("U+000A"));
        assert!(check_field("clinic phone", &"1".repeat(MAX_FIELD_CHARS + 1)).is_err());
    }
}
