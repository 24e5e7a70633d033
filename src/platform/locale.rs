//! The system locale, read once at start for the app's language and clock format.

/// The system's locale tag ("es-ES", "en-US"); "en" when the system does not say.
pub fn system_locale() -> String {
    sys_locale::get_locale().unwrap_or_else(|| "en".to_string())
}
