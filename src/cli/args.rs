//! Reading the command line into a [`Cli`]: options and words split by lexopt, then each
//! command takes the options it knows. Help is written out here, as ripgrep does, rather than
//! generated (the parser is a fraction of the size of a generated one).
//!
//! Every refusal is one line that names the argument and what was expected. Options go
//! anywhere on the line (`--data-dir` and `--now` may come twice: the last counts);
//! `AFTERCARE_DATA_DIR`, `AFTERCARE_NOW`, `AFTERCARE_CLOCK_RUNS` and `AFTERCARE_FIRST_FRAME`
//! stand in for their options.

use super::*;
use std::ffi::OsString;

/// What the command line asks for.
pub enum Parsed {
    /// Run this.
    Run(Box<Cli>),
    /// Print this help or version text and exit successfully.
    Print(String),
}

/// Options that take no value.
const FLAGS: [&str; 9] = [
    "json",
    "clock-runs",
    "no-notes",
    "no-symptoms",
    "all-photos",
    "yes",
    "undo",
    "help",
    "version",
];

/// Options that take a value.
const VALUED: [&str; 39] = [
    "data-dir",
    "now",
    "open",
    "open-reminder",
    "first-frame",
    "wait-for-click",
    "out",
    "format",
    "session",
    "photo",
    "date",
    "end-time",
    "tz",
    "days",
    "phases",
    "areas",
    "sclerosant",
    "stocking-class",
    "stocking-length",
    "clinic-name",
    "clinic-phone",
    "clinic-email",
    "note",
    "day",
    "night",
    "off-minutes",
    "reason",
    "night-off-minutes",
    "night-reason",
    "walk-minutes",
    "symptom",
    "area",
    "kind",
    "done",
    "count",
    "tag",
    "years",
    "rounds",
    "other",
];

/// The options of one command line, in order, and its words, as given (paths need not be
/// text).
struct Line {
    options: Vec<(String, OsString)>,
    words: Vec<OsString>,
}

/// `value` as text, or a refusal naming `what` it was given for.
fn to_text(what: &str, value: OsString) -> Result<String, String> {
    value
        .into_string()
        .map_err(|v| format!("{what}: '{}' is not valid text", v.to_string_lossy()))
}

impl Line {
    /// Splits `args` (the program's name first) into options and words.
    fn read(args: impl IntoIterator<Item = OsString>) -> Result<Line, String> {
        use lexopt::Arg::{Long, Short, Value};
        let mut parser = lexopt::Parser::from_iter(args);
        let mut line = Line {
            options: Vec::new(),
            words: Vec::new(),
        };
        while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
            match arg {
                Short('h') => line.options.push(("help".into(), OsString::new())),
                Short('V') => line.options.push(("version".into(), OsString::new())),
                Long(name) if FLAGS.contains(&name) => {
                    line.options.push((name.to_string(), OsString::new()))
                }
                Long(name) if VALUED.contains(&name) => {
                    let name = name.to_string();
                    let needs = || format!("--{name} needs a value");
                    // `--name=VALUE` as written; a separate value must not be another option,
                    // or a forgotten value would silently take the next option's place.
                    let value = match parser.optional_value() {
                        Some(value) => value,
                        None => {
                            let value = parser.value().map_err(|_| needs())?;
                            let option = value
                                .to_str()
                                .and_then(|v| v.strip_prefix("--"))
                                .map(|v| v.split('=').next().unwrap_or(v));
                            if option.is_some_and(|o| FLAGS.contains(&o) || VALUED.contains(&o)) {
                                return Err(format!(
                                    "{} (write --{name}=VALUE for a value that starts with --)",
                                    needs()
                                ));
                            }
                            value
                        }
                    };
                    line.options.push((name, value));
                }
                Value(word) => line.words.push(word),
                Long(name) => {
                    return Err(format!("unknown option '--{name}' (see aftercare --help)"))
                }
                Short(c) => return Err(format!("unknown option '-{c}' (see aftercare --help)")),
            }
        }
        Ok(line)
    }

    /// Removes and returns every value of `--name`.
    fn all(&mut self, name: &str) -> Vec<OsString> {
        let (taken, kept) = std::mem::take(&mut self.options)
            .into_iter()
            .partition(|(n, _)| n == name);
        self.options = kept;
        taken.into_iter().map(|(_, v)| v).collect()
    }

    /// Removes every `--name` and returns the last one's value.
    fn last(&mut self, name: &str) -> Option<OsString> {
        self.all(name).pop()
    }

    /// Removes and returns the value of `--name`, which may be given once.
    fn one(&mut self, name: &str) -> Result<Option<OsString>, String> {
        let mut values = self.all(name);
        if values.len() > 1 {
            return Err(format!("--{name} is given more than once"));
        }
        Ok(values.pop())
    }

    /// The text of `--name`, which may be given once.
    fn text(&mut self, name: &str) -> Result<Option<String>, String> {
        self.one(name)?
            .map(|v| to_text(&format!("--{name}"), v))
            .transpose()
    }

    /// Whether the flag `--name` is given (and removes it).
    fn flag(&mut self, name: &str) -> bool {
        !self.all(name).is_empty()
    }

    /// The value of `--name` read by `parse`, if given.
    fn parsed<T>(
        &mut self,
        name: &str,
        parse: impl Fn(&OsString) -> Result<T, String>,
    ) -> Result<Option<T>, String> {
        self.one(name)?
            .map(|v| parse(&v).map_err(|e| format!("invalid value for --{name}: {e}")))
            .transpose()
    }

    /// The value of `--name`, which `command` needs.
    fn required<T>(
        &mut self,
        name: &str,
        command: &str,
        parse: impl Fn(&OsString) -> Result<T, String>,
    ) -> Result<T, String> {
        self.parsed(name, parse)?.ok_or_else(|| {
            format!("'aftercare {command}' needs --{name} (see aftercare {command} --help)")
        })
    }

    /// Every value of the repeatable `--name`, each read by `parse`.
    fn each<T>(
        &mut self,
        name: &str,
        parse: impl Fn(&OsString) -> Result<T, String>,
    ) -> Result<Vec<T>, String> {
        self.all(name)
            .iter()
            .map(|v| parse(v).map_err(|e| format!("invalid value for --{name}: {e}")))
            .collect()
    }

    /// The next word, which `command` needs as its `what`.
    fn word(&mut self, command: &str, what: &str) -> Result<OsString, String> {
        if self.words.is_empty() {
            return Err(format!(
                "'aftercare {command}' needs {what} (see aftercare {command} --help)"
            ));
        }
        Ok(self.words.remove(0))
    }

    /// The next word as text.
    fn text_word(&mut self, command: &str, what: &str) -> Result<String, String> {
        let word = self.word(command, what)?;
        to_text(what, word)
    }

    /// Refuses what `command` did not take.
    fn done(self, command: &str) -> Result<(), String> {
        let name = if command.is_empty() {
            "aftercare".to_string()
        } else {
            format!("aftercare {command}")
        };
        if let Some((option, _)) = self.options.first() {
            return Err(format!(
                "'{name}' has no option --{option} (see {name} --help)"
            ));
        }
        if let Some(word) = self.words.first() {
            return Err(format!(
                "'{name}' takes no argument '{}' (see {name} --help)",
                word.to_string_lossy()
            ));
        }
        Ok(())
    }
}

/// A value read as text by `parse`.
fn as_text<T>(
    parse: impl Fn(&str) -> Result<T, String>,
) -> impl Fn(&OsString) -> Result<T, String> {
    move |v| match v.to_str() {
        Some(s) => parse(s),
        None => Err(format!("'{}' is not valid text", v.to_string_lossy())),
    }
}

/// A whole number.
fn number<T: std::str::FromStr>(s: &str) -> Result<T, String> {
    s.trim()
        .parse()
        .map_err(|_| format!("'{s}' is not a whole number in range"))
}

fn text(s: &str) -> Result<String, String> {
    Ok(s.to_string())
}

/// A file or folder: any name the system allows, but not an empty one.
fn path(v: &OsString) -> Result<PathBuf, String> {
    if v.is_empty() {
        return Err("a path cannot be empty".into());
    }
    Ok(PathBuf::from(v))
}

fn open_screen(s: &str) -> Result<OpenScreen, String> {
    Ok(match s.trim() {
        "today" => OpenScreen::Today,
        "checkin" => OpenScreen::Checkin,
        "plan" => OpenScreen::Plan,
        "settings" => OpenScreen::Settings,
        "share" => OpenScreen::Share,
        "photos" => OpenScreen::Photos,
        _ => {
            return Err(format!(
                "unknown screen '{s}' (expected today, checkin, plan, settings, share or photos)"
            ))
        }
    })
}

fn first_frame(s: &str) -> Result<crate::ui::FirstFrame, String> {
    match s.trim() {
        "print" => Ok(crate::ui::FirstFrame::Print),
        "exit" => Ok(crate::ui::FirstFrame::Exit),
        _ => Err(format!("'{s}' is neither print nor exit")),
    }
}

/// A checklist item, or several separated by commas.
fn items(s: &str) -> Result<Vec<ChecklistItem>, String> {
    s.split(',').map(parse_items).collect()
}

/// An environment variable, when set and not empty.
fn env_os(name: &str) -> Option<OsString> {
    std::env::var_os(name).filter(|v| !v.is_empty())
}

/// An environment variable's text, when set and not empty; a refusal when it is not text.
fn env(name: &str) -> Result<Option<String>, String> {
    env_os(name).map(|v| to_text(name, v)).transpose()
}

/// Reads the command line (the program's name first).
pub fn parse_args(args: impl IntoIterator<Item = OsString>) -> Result<Parsed, String> {
    let mut line = Line::read(args)?;
    if line.flag("version") {
        return Ok(Parsed::Print(format!(
            "aftercare {}\n",
            env!("CARGO_PKG_VERSION")
        )));
    }
    let words: Vec<String> = line
        .words
        .iter()
        .take(3)
        .map(|w| w.to_string_lossy().into_owned())
        .collect();
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    if line.flag("help") {
        return Ok(Parsed::Print(help(&words).to_string()));
    }
    if let ["help", rest @ ..] = words.as_slice() {
        // Help on a command there is not is an error, not the general help with exit 0.
        if let Some(topic) = rest.first().filter(|t| !HELP_TOPICS.contains(t)) {
            return Err(format!(
                "unknown command {topic:?}: `aftercare help` lists the commands"
            ));
        }
        return Ok(Parsed::Print(help(rest).to_string()));
    }
    // The options that go anywhere: the last one given counts (a script may set them before
    // the command and a caller add them after it).
    let data_dir = match line.last("data-dir") {
        Some(dir) => Some(path(&dir).map_err(|e| format!("invalid value for --data-dir: {e}"))?),
        None => env_os("AFTERCARE_DATA_DIR").map(PathBuf::from),
    };
    let now = match line.last("now") {
        Some(now) => {
            Some(as_text(parse_now)(&now).map_err(|e| format!("invalid value for --now: {e}"))?)
        }
        None => env("AFTERCARE_NOW")?
            .map(|v| parse_now(&v).map_err(|e| format!("invalid AFTERCARE_NOW: {e}")))
            .transpose()?,
    };
    let clock_runs = line.flag("clock-runs")
        || match env("AFTERCARE_CLOCK_RUNS")?.map(|v| v.to_ascii_lowercase()) {
            None => false,
            Some(v) if matches!(v.as_str(), "1" | "true" | "yes" | "on") => true,
            Some(v) if matches!(v.as_str(), "0" | "false" | "no" | "off") => false,
            Some(v) => {
                return Err(format!(
                    "AFTERCARE_CLOCK_RUNS: '{v}' is neither true nor false"
                ))
            }
        };
    if clock_runs && now.is_none() {
        return Err("--clock-runs (or AFTERCARE_CLOCK_RUNS) needs --now (or AFTERCARE_NOW)".into());
    }
    // What the app opens on: only without a command.
    let first_frame_given = line.parsed("first-frame", as_text(first_frame))?;
    let open = line.parsed("open", as_text(open_screen))?;
    let open_reminder = line.text("open-reminder")?;
    if !line.words.is_empty() {
        if let Some(option) = [
            ("--open", open.is_some()),
            ("--open-reminder", open_reminder.is_some()),
            ("--first-frame", first_frame_given.is_some()),
        ]
        .iter()
        .find_map(|(name, given)| given.then_some(*name))
        {
            return Err(format!(
                "{option} is for opening the app, not for a command"
            ));
        }
    }
    let first_frame = match first_frame_given {
        Some(f) => Some(f),
        None => env("AFTERCARE_FIRST_FRAME")?
            .map(|v| first_frame(&v).map_err(|e| format!("invalid AFTERCARE_FIRST_FRAME: {e}")))
            .transpose()?,
    };
    let command = if line.words.is_empty() {
        line.done("")?;
        None
    } else {
        Some(command(line)?)
    };
    Ok(Parsed::Run(Box::new(Cli {
        data_dir,
        now,
        clock_runs,
        open,
        open_reminder,
        first_frame,
        command,
    })))
}

/// The command the words name, with its options.
fn command(mut l: Line) -> Result<Command, String> {
    let name = l.text_word("", "a command")?;
    let command = match name.as_str() {
        "session" => {
            let sub = l.text_word("session", "add or list")?;
            match sub.as_str() {
                "add" => Command::Session(SessionCommand::Add(session_add(&mut l)?)),
                "list" => Command::Session(SessionCommand::List {
                    json: l.flag("json"),
                }),
                other => return Err(unknown("session", other, "add or list")),
            }
        }
        "checkin" => Command::Checkin(checkin(&mut l)?),
        "status" => Command::Status {
            json: l.flag("json"),
        },
        "reminders" => Command::Reminders {
            json: l.flag("json"),
        },
        "remind" => Command::Remind {
            wait_for_click: l.parsed("wait-for-click", as_text(number))?.unwrap_or(0),
        },
        "backup" => Command::Backup {
            out: l.required("out", "backup", path)?,
        },
        "export" => {
            let format = l.required("format", "export", as_text(parse_format))?;
            let out = l.required("out", "export", path)?;
            let sessions = l.each("session", as_text(text))?;
            let no_notes = l.flag("no-notes");
            let no_symptoms = l.flag("no-symptoms");
            let photos = l.each("photo", as_text(text))?;
            let all_photos = l.flag("all-photos");
            if all_photos && !photos.is_empty() {
                return Err("--all-photos and --photo cannot be used together".into());
            }
            Command::Export {
                format,
                out,
                sessions,
                no_notes,
                no_symptoms,
                photos,
                all_photos,
            }
        }
        "photo" => {
            let sub = l.text_word("photo", "add, list, delete or dismiss")?;
            let here = format!("photo {sub}");
            Command::Photo(match sub.as_str() {
                "add" => PhotoCommand::Add {
                    session: l.required("session", &here, as_text(text))?,
                    area: l.required("area", &here, as_text(|s| s.parse::<TreatedArea>()))?,
                    kind: l.required("kind", &here, as_text(|s| s.parse::<PhotoKind>()))?,
                    file: path(&l.word(&here, "the image file")?)
                        .map_err(|e| format!("the image file: {e}"))?,
                },
                "list" => PhotoCommand::List {
                    json: l.flag("json"),
                },
                "delete" => PhotoCommand::Delete {
                    id: l.text_word(&here, "the photo's id")?,
                },
                "dismiss" => PhotoCommand::Dismiss {
                    session: l.required("session", &here, as_text(text))?,
                    undo: l.flag("undo"),
                },
                other => return Err(unknown("photo", other, "add, list, delete or dismiss")),
            })
        }
        "restore" => Command::Restore {
            file: path(&l.word("restore", "the backup file")?)
                .map_err(|e| format!("the backup file: {e}"))?,
            yes: l.flag("yes"),
        },
        "recover" => Command::Recover,
        "checklist" => {
            let session = l.required("session", "checklist", as_text(text))?;
            let done = l
                .each("done", as_text(items))?
                .into_iter()
                .flatten()
                .collect();
            Command::Checklist { session, done }
        }
        "debug" => {
            let sub = l.text_word("debug", "a diagnostic")?;
            let here = format!("debug {sub}");
            Command::Debug(match sub.as_str() {
                "write-checkins" => DebugCommand::WriteCheckins {
                    session: l.required("session", &here, as_text(text))?,
                    count: l.required("count", &here, as_text(number))?,
                    tag: l.text("tag")?.unwrap_or_else(|| "w".into()),
                },
                "seed-history" => DebugCommand::SeedHistory {
                    years: l.required("years", &here, as_text(number))?,
                },
                "bench-save" => DebugCommand::BenchSave {
                    rounds: l.parsed("rounds", as_text(number))?.unwrap_or(200),
                },
                "bench-open" => DebugCommand::BenchOpen {
                    other: l.required("other", &here, path)?,
                    rounds: l.parsed("rounds", as_text(number))?.unwrap_or(30),
                },
                other => {
                    return Err(unknown(
                        "debug",
                        other,
                        "write-checkins, seed-history, bench-save or bench-open",
                    ))
                }
            })
        }
        other => return Err(format!("unknown command '{other}' (see aftercare --help)")),
    };
    l.done(&name)?;
    Ok(command)
}

/// A refusal of an unknown subcommand.
fn unknown(command: &str, word: &str, expected: &str) -> String {
    format!("unknown command 'aftercare {command} {word}' (expected {expected})")
}

fn session_add(l: &mut Line) -> Result<SessionAddArgs, String> {
    let here = "session add";
    Ok(SessionAddArgs {
        date: l.required("date", here, as_text(parse_date))?,
        end_time: l.required("end-time", here, as_text(parse_time))?,
        tz: l.parsed("tz", as_text(parse_zone))?,
        days: l.parsed("days", as_text(number))?.unwrap_or(14),
        phases: l.text("phases")?,
        areas: l.parsed("areas", as_text(parse_areas))?.unwrap_or_default(),
        sclerosant: l.text("sclerosant")?,
        stocking_class: l.text("stocking-class")?,
        stocking_length: l.text("stocking-length")?,
        clinic_name: l.text("clinic-name")?,
        clinic_phone: l.text("clinic-phone")?,
        clinic_email: l.text("clinic-email")?,
        note: l.text("note")?.unwrap_or_default(),
    })
}

fn checkin(l: &mut Line) -> Result<CheckinArgs, String> {
    Ok(CheckinArgs {
        date: l.required("date", "checkin", as_text(parse_date))?,
        session: l.text("session")?,
        day: l.parsed("day", as_text(parse_wear))?,
        night: l.parsed("night", as_text(parse_wear))?,
        off_minutes: l.parsed("off-minutes", as_text(number))?,
        reason: l.parsed("reason", as_text(parse_reason))?,
        night_off_minutes: l.parsed("night-off-minutes", as_text(number))?,
        night_reason: l.parsed("night-reason", as_text(parse_reason))?,
        walk_minutes: l.parsed("walk-minutes", as_text(number))?,
        symptoms: l.each("symptom", as_text(parse_symptom))?,
        note: l.text("note")?.unwrap_or_default(),
    })
}

/// The help for the command the first words name (the whole list for none or an unknown one).
/// The commands `aftercare help COMMAND` knows.
const HELP_TOPICS: [&str; 13] = [
    "session",
    "checkin",
    "status",
    "reminders",
    "remind",
    "backup",
    "export",
    "restore",
    "recover",
    "photo",
    "checklist",
    "debug",
    "help",
];

fn help(words: &[&str]) -> &'static str {
    match words {
        ["session", "add", ..] => HELP_SESSION_ADD,
        ["session", ..] => HELP_SESSION,
        ["checkin", ..] => HELP_CHECKIN,
        ["export", ..] => HELP_EXPORT,
        ["photo", ..] => HELP_PHOTO,
        ["remind", ..] => HELP_REMIND,
        ["restore", ..] => HELP_RESTORE,
        ["checklist", ..] => HELP_CHECKLIST,
        ["backup", ..] => HELP_BACKUP,
        ["status", ..] | ["reminders", ..] => HELP_STATUS,
        ["recover", ..] => HELP_RECOVER,
        _ => HELP,
    }
}

const HELP: &str = "\
Aftercare: your plan for the weeks after vein treatment.

Usage: aftercare [OPTIONS] [COMMAND]

Without a command, the app opens; --open SCREEN opens it on today, checkin, plan, settings,
share or photos. session list, status, reminders and photo list take --json for
machine-readable output.

Commands:
  session add|list   Add or list treatment sessions
  checkin            Record (or correct) the check-in of a date
  status             Show every session's plan, day and adherence
  reminders          List the reminders planned from now on
  remind             Deliver every due reminder not delivered yet, as desktop notifications
  backup --out FILE  Write a backup of everything to a file
  export             Write a file for the clinic: PDF report, CSV, FHIR R4, calendar or backup
  photo              Add, list or delete result photos, or close the result-photo prompt
  restore            Replace everything with a backup file (checked first)
  recover            Rebuild a damaged store from its automatic backup
  checklist          Tick items of the pre-treatment checklist
  help [COMMAND]     Print this help, or a command's

Options (anywhere on the line, before or after the command):
  --data-dir DIR     Data folder (default: the platform's app-data folder) [env: AFTERCARE_DATA_DIR]
  --now INSTANT      Use this instant as \"now\" (RFC 3339, e.g. 2026-11-25T20:00:00+01:00)
                     [env: AFTERCARE_NOW]
  -h, --help         Print help (aftercare COMMAND --help for a command's options)
  -V, --version      Print version
";

const HELP_SESSION: &str = "\
Add or list treatment sessions.

Usage: aftercare session add --date YYYY-MM-DD --end-time HH:MM [OPTIONS]
       aftercare session list [--json]

aftercare session add --help lists the options of a new session.
";

const HELP_SESSION_ADD: &str = "\
Add a session (it may lie in the future).

Usage: aftercare session add --date YYYY-MM-DD --end-time HH:MM [OPTIONS]

Options:
  --date DATE              Session date, YYYY-MM-DD
  --end-time TIME          Time the session ended, HH:MM
  --tz ZONE                IANA time zone of the session (default: the device's zone)
  --days N                 Days of compression (1-42, default 14)
  --phases LIST            Phases, e.g. 3:continuous,11:daytime (default: all continuous)
  --areas LIST             Treated areas, e.g. left-calf-back,right-knee
  --sclerosant TEXT
  --stocking-class TEXT
  --stocking-length TEXT
  --clinic-name TEXT
  --clinic-phone TEXT
  --clinic-email TEXT
  --note TEXT
";

const HELP_CHECKIN: &str = "\
Record (or correct) the check-in of a date.

Usage: aftercare checkin --date YYYY-MM-DD [OPTIONS]

Options:
  --date DATE               The date the check-in is for, YYYY-MM-DD
  --session ID              Session id (default: the session whose plan holds the date)
  --day WEAR                Today's wear: worn, partial or not-worn
  --night WEAR              Last night's wear: worn, partial or not-worn
  --off-minutes N           Minutes the stockings were off (with partial)
  --reason REASON           Why they came off (with partial): shower, skin-care, too-tight,
                            itching, pain, other
  --night-off-minutes N     Minutes off last night, when it differs from --off-minutes
  --night-reason REASON     Why they came off last night, when it differs from --reason
  --walk-minutes N
  --symptom SYMPTOM         A symptom (repeat for several)
  --note TEXT
";

const HELP_EXPORT: &str = "\
Write a file for the clinic: the PDF report, a CSV table, a FHIR R4 bundle, a calendar file
of the plan, or the full backup.

Usage: aftercare export --format FORMAT --out FILE [OPTIONS]

Options:
  --format FORMAT   pdf, csv, fhir, ics or backup
  --out FILE        The file to write (replaced if it exists; written completely or not at all)
  --session ID      Only this session (repeat for several; default: every session)
  --no-notes        Leave the free-text notes out
  --no-symptoms     Leave the symptoms out
  --photo ID        Include this photo in the PDF report and the FHIR bundle (repeat for several)
  --all-photos      Include every photo of the chosen sessions
";

const HELP_PHOTO: &str = "\
Add, list or delete result photos, or close the result-photo prompt.

Usage: aftercare photo add --session ID --area AREA --kind KIND FILE
       aftercare photo list [--json]
       aftercare photo delete ID
       aftercare photo dismiss --session ID [--undo]

add imports a JPEG or PNG: it is turned upright, downscaled to at most 2048 px and stored
without location or any other metadata, in the app's private data folder. AREA is a treated
area (e.g. left-calf-back); KIND is baseline (before treatment) or result (at three months).
dismiss says you will not take result photos for a session (the prompt stops); --undo
reopens it.
";

const HELP_REMIND: &str = "\
Deliver every due reminder not delivered yet, as desktop notifications, and exit.

Usage: aftercare remind [--wait-for-click SECONDS]

Options:
  --wait-for-click SECONDS  Then wait up to this long for a click on one of them, which opens
                            the app on its screen (the store is not held meanwhile)
";

const HELP_RESTORE: &str = "\
Replace everything with a backup file (checked first).

Usage: aftercare restore FILE [--yes]

Options:
  --yes   Confirm replacing existing data
";

const HELP_BACKUP: &str = "\
Write a backup of everything to a file (restore it with aftercare restore).

Usage: aftercare backup --out FILE

Options:
  --out FILE   The file to write (replaced if it exists; written completely or not at all)
";

const HELP_STATUS: &str = "\
aftercare status: every session's plan, day and adherence.
aftercare reminders: the reminders planned from now on.

Usage: aftercare status [--json]
       aftercare reminders [--json]

Options:
  --json   Machine-readable JSON
";

const HELP_RECOVER: &str = "\
Rebuild a damaged store from its automatic backup (the damaged one is kept aside).

Usage: aftercare recover
";

const HELP_CHECKLIST: &str = "\
Tick items of the pre-treatment checklist.

Usage: aftercare checklist --session ID [--done ITEMS]

Options:
  --session ID   The session
  --done ITEMS   Items done: measured, ordered, ready (comma-separated, or repeat --done)
";

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(line: &str) -> Result<Parsed, String> {
        parse_args(
            std::iter::once("aftercare")
                .chain(line.split_whitespace())
                .map(OsString::from),
        )
    }

    fn command(line: &str) -> Command {
        match parse(line) {
            Ok(Parsed::Run(cli)) => cli.command.expect("a command"),
            Ok(Parsed::Print(text)) => panic!("{line}: printed {text}"),
            Err(e) => panic!("{line}: {e}"),
        }
    }

    fn refused(line: &str) -> String {
        match parse(line) {
            Err(e) => e,
            Ok(_) => panic!("{line} was accepted"),
        }
    }

    #[test]
    fn commands_take_their_options_in_any_order() {
        let Command::Export {
            format,
            sessions,
            photos,
            no_notes,
            ..
        } = command("export --session a --out x.pdf --no-notes --format pdf --session b --photo p")
        else {
            panic!("not export");
        };
        assert_eq!(format, crate::domain::export::Format::Pdf);
        assert_eq!(sessions, ["a", "b"]);
        assert_eq!(photos, ["p"]);
        assert!(no_notes);
        let Command::Checklist { done, .. } =
            command("checklist --session s --done measured,ordered --done ready")
        else {
            panic!("not checklist");
        };
        assert_eq!(done, ChecklistItem::ALL);
        let Command::Photo(PhotoCommand::Add { file, kind, .. }) =
            command("photo add leg.jpg --session s --area left-knee --kind result")
        else {
            panic!("not photo add");
        };
        assert_eq!((file, kind), (PathBuf::from("leg.jpg"), PhotoKind::Result));
        let Ok(Parsed::Run(cli)) =
            parse("--now 2026-11-25T20:00:00+01:00 status --now 2026-11-26T08:00:00+01:00 --json")
        else {
            panic!("status refused");
        };
        assert_eq!(cli.now.unwrap().to_rfc3339(), "2026-11-26T08:00:00+01:00");
        assert!(matches!(cli.command, Some(Command::Status { json: true })));
    }

    #[test]
    fn values_may_follow_an_equals_sign_or_start_with_a_dash() {
        let Command::Checkin(c) = command("checkin --date=2026-11-01 --note=-5 --walk-minutes 5")
        else {
            panic!("not checkin");
        };
        assert_eq!((c.note.as_str(), c.walk_minutes), ("-5", Some(5)));
        let Command::Checkin(c) = command("checkin --date 2026-11-01 --note --") else {
            panic!("not checkin");
        };
        assert_eq!(c.note, "--");
        // After `--`, every argument is a word.
        assert!(refused("status -- --json").contains("takes no argument '--json'"));
    }

    /// Paths are taken as the system gives them, text or not.
    #[cfg(unix)]
    #[test]
    fn a_path_need_not_be_text() {
        use std::os::unix::ffi::OsStringExt;
        let odd = OsString::from_vec(b"/tmp/caf\xe9".to_vec());
        let args = ["aftercare", "--data-dir"]
            .map(OsString::from)
            .into_iter()
            .chain([odd.clone(), "status".into()]);
        let Ok(Parsed::Run(cli)) = parse_args(args) else {
            panic!("refused");
        };
        assert_eq!(cli.data_dir, Some(PathBuf::from(odd.clone())));
        let args = ["aftercare", "checkin", "--date", "2026-11-01", "--note"]
            .map(OsString::from)
            .into_iter()
            .chain([odd]);
        assert!(
            matches!(parse_args(args), Err(e) if e.contains("--note") && e.contains("not valid text"))
        );
    }

    #[test]
    fn help_is_printed_for_the_command_asked_about() {
        for (line, says) in [
            ("--help", "Commands:"),
            ("-h", "Commands:"),
            ("checkin --help", "--night-off-minutes"),
            ("session add -h", "--stocking-class"),
            ("export --help", "--all-photos"),
            ("--version", "aftercare "),
            ("help export", "--all-photos"),
            ("backup --help", "--out FILE"),
            ("status -h", "--json"),
        ] {
            let Ok(Parsed::Print(text)) = parse(line) else {
                panic!("{line}: no help");
            };
            assert!(text.contains(says), "{line}: {text}");
        }
    }

    #[test]
    fn bad_lines_are_refused_with_what_was_wrong() {
        for (line, says) in [
            ("frobnicate", "unknown command 'frobnicate'"),
            ("session remove", "aftercare session remove"),
            ("status --colour", "unknown option '--colour'"),
            (
                "status --date 2026-11-01",
                "'aftercare status' has no option --date",
            ),
            ("status extra", "takes no argument 'extra'"),
            ("checkin --day worn", "needs --date"),
            ("checkin --date", "--date needs a value"),
            ("checkin --date 2026-13-01", "invalid value for --date"),
            (
                "checkin --date 2026-11-01 --date 2026-11-02",
                "more than once",
            ),
            (
                "export --format pdf --out x --all-photos --photo p",
                "cannot be used together",
            ),
            ("restore", "needs the backup file"),
            ("remind --wait-for-click soon", "not a whole number"),
            ("--clock-runs status", "needs --now"),
            ("--open garden", "unknown screen 'garden'"),
            ("status --json=yes", "json"),
            ("-x", "unknown option '-x'"),
            // A forgotten value does not take the next option as its value.
            ("backup --out --yes", "--out needs a value"),
            ("checkin --note --date 2026-11-01", "--note needs a value"),
            ("backup --out=", "a path cannot be empty"),
            ("--data-dir= status", "a path cannot be empty"),
            ("checklist --session s --done measured,folded", "folded"),
            ("status --open today", "for opening the app"),
        ] {
            let e = refused(line);
            assert!(e.contains(says), "{line}: {e}");
            assert_eq!(e.lines().count(), 1, "{line}: {e}");
        }
    }
}
