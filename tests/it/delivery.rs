//! Delivery: the app layer's upcoming set and next instant, the Settings' test reminder and
//! background switch, the reminder sync after a change, and two end-to-end runs against a
//! real notification server (dunst on a private D-Bus session, on an Xvfb screen of its own):
//! the running app's timer delivering at the reminder's instant and a click opening the
//! check-in; `aftercare remind --wait-for-click` opening the app from a click.

use super::dom::Page;
use super::smoke::Xvfb;
use super::support::{add_session, bin, ok};
use aftercare::app::{Aftercare, FixedClock, MemoryStore, Notifier, ReminderSync};
use aftercare::domain::reminders::{Reminder, ReminderKind};
use aftercare::platform::background::Background;
use chrono::{DateTime, Utc};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::{Arc, Mutex};

const TZ: &str = "Europe/Berlin";

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// Remembers what it was asked to show.
#[derive(Default, Clone)]
struct Recorder(Arc<Mutex<Vec<Reminder>>>);

impl Notifier for Recorder {
    fn notify(&self, reminder: &Reminder) -> Result<(), String> {
        self.0.lock().unwrap().push(reminder.clone());
        Ok(())
    }
}

/// Remembers every upcoming set it was told.
#[derive(Default, Clone)]
struct SyncLog(Arc<Mutex<Vec<Vec<Reminder>>>>);

impl ReminderSync for SyncLog {
    fn replan(&self, upcoming: &[Reminder]) {
        self.0.lock().unwrap().push(upcoming.to_vec());
    }
}

fn app_at(now: &str) -> Aftercare<MemoryStore, FixedClock> {
    let clock = FixedClock {
        now: at(now),
        zone: TZ.parse().unwrap(),
    };
    let mut app = Aftercare::new(MemoryStore::default(), clock);
    let draft = aftercare::domain::session::SessionDraft {
        date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
        end_time: chrono::NaiveTime::from_hms_opt(15, 30, 0).unwrap(),
        tz: TZ.parse().unwrap(),
        areas: vec!["left-calf-back".parse().unwrap()],
        sclerosant: None,
        stockings: Default::default(),
        clinic: Default::default(),
        note: String::new(),
        plan: aftercare::domain::plan::PlanConfig::default(),
    };
    app.add_session(draft).unwrap();
    app
}

#[test]
fn the_next_instant_is_the_first_undelivered_reminder_after_now() {
    let mut app = app_at("2026-11-21T19:00:00+01:00");
    // Yesterday's check-in and this morning's follow-up are due; tonight's is next.
    assert_eq!(
        app.next_due_at().unwrap(),
        Some(at("2026-11-21T20:00:00+01:00"))
    );
    let recorder = Recorder::default();
    let delivered = app.deliver_due(&recorder).unwrap();
    assert_eq!(delivered.len(), 2, "{delivered:?}");
    assert_eq!(recorder.0.lock().unwrap().len(), 2);
    // Delivered ones are no longer upcoming; the next instant does not move.
    let upcoming = app.upcoming().unwrap();
    assert!(upcoming
        .iter()
        .all(|r| !delivered.iter().any(|d| d.id == r.id)));
    assert_eq!(upcoming[0].id, "checkin:2026-11-20:2026-11-21");
    assert_eq!(
        app.next_due_at().unwrap(),
        Some(at("2026-11-21T20:00:00+01:00"))
    );
    // A second delivery shows nothing new.
    assert!(app.deliver_due(&recorder).unwrap().is_empty());
}

#[test]
fn the_test_reminder_speaks_the_patient_language_and_is_not_logged() {
    let app = app_at("2026-11-21T19:00:00+01:00").with_system_locale("es-ES");
    let recorder = Recorder::default();
    let shown = app.send_test_reminder(&recorder).unwrap();
    assert_eq!(shown.kind, ReminderKind::Test);
    assert_eq!(shown.title, "Recordatorio de prueba de Aftercare");
    assert_eq!(recorder.0.lock().unwrap().len(), 1);
    assert!(app.snapshot().unwrap().deliveries.is_empty());
}

#[test]
fn settings_send_a_test_reminder_and_changes_replan() {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), "2026-11-20T18:00:00+01:00");
    let recorder = Recorder::default();
    let sync = SyncLog::default();
    let mut p = Page::open_with(dir.path(), "2026-11-22T12:00:00+01:00", TZ, "en-GB", |l| {
        l.notifier = Some(Arc::new(recorder.clone()));
        l.sync = Some(Arc::new(sync.clone()));
    });
    p.click("nav-settings");
    p.click("test-reminder");
    assert!(p.text().contains("Test reminder sent"), "{}", p.text());
    let shown = recorder.0.lock().unwrap().clone();
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0].title, "Test reminder from Aftercare");
    // Moving the check-in time re-arms the platform with the new instant.
    assert!(sync.0.lock().unwrap().is_empty(), "nothing changed yet");
    p.input("set-checkin", "21:15");
    p.submit("settings-form");
    let told = sync.0.lock().unwrap().clone();
    assert_eq!(told.len(), 1);
    let tonight = told[0]
        .iter()
        .find(|r| r.id == "checkin:2026-11-20:2026-11-22")
        .expect("tonight's check-in is upcoming");
    assert_eq!(tonight.at.to_rfc3339(), "2026-11-22T21:15:00+01:00");
}

#[test]
fn without_notifications_the_test_reminder_says_so() {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), "2026-11-20T18:00:00+01:00");
    let mut p = Page::open(dir.path(), "2026-11-22T12:00:00+01:00", TZ, "en-GB");
    p.click("nav-settings");
    p.click("test-reminder");
    assert!(
        p.text().contains("notifications cannot be shown here"),
        "{}",
        p.text()
    );
}

#[test]
fn a_click_that_started_the_app_opens_its_reminder() {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), "2026-11-20T18:00:00+01:00");
    let id = "checkin-followup:2026-11-20:2026-11-20";
    let p = Page::open_with(dir.path(), "2026-11-21T09:30:00+01:00", TZ, "en-GB", |l| {
        l.open_reminder = Some(id.into())
    });
    assert!(
        p.text().contains("Check-in for Friday, 20 November 2026"),
        "{}",
        p.text()
    );
    drop(p);
    assert_eq!(delivery_states(dir.path(), id), ["opened"]);
}

/// A stand-in `systemctl` that records its arguments, and fails when `fail` exists.
fn stub_systemctl(dir: &Path) -> PathBuf {
    let path = dir.join("systemctl");
    std::fs::write(
        &path,
        format!(
            "#!/bin/sh\necho \"$*\" >> {log}\n[ -e {fail} ] && {{ echo 'Failed to connect to bus' >&2; exit 1; }}\nexit 0\n",
            log = dir.join("systemctl.log").display(),
            fail = dir.join("fail").display()
        ),
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).unwrap();
    path
}

#[test]
fn the_background_switch_installs_a_valid_systemd_timer_and_removes_it() {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), "2026-11-20T18:00:00+01:00");
    let tools = tempfile::tempdir().unwrap();
    let units = tools.path().join("units");
    let switch = Background {
        unit_dir: units.clone(),
        systemctl: stub_systemctl(tools.path()),
        exe: bin(),
        data_dir: dir.path().to_path_buf(),
    };
    let mut p = Page::open_with(dir.path(), "2026-11-22T12:00:00+01:00", TZ, "en-GB", |l| {
        l.background = Some(switch.clone())
    });
    p.click("nav-settings");
    assert_eq!(
        p.attr("background-reminders", "checked").as_deref(),
        Some("false")
    );
    p.change("background-reminders", "true");
    assert!(
        p.text()
            .contains("Reminders will now arrive while Aftercare is closed"),
        "{}",
        p.text()
    );
    assert!(units.join("aftercare-remind.timer").exists());
    assert_eq!(
        p.attr("background-reminders", "checked").as_deref(),
        Some("true")
    );
    let service = std::fs::read_to_string(units.join("aftercare-remind.service")).unwrap();
    assert!(service.contains("remind --wait-for-click 240"), "{service}");
    let log = std::fs::read_to_string(tools.path().join("systemctl.log")).unwrap();
    assert_eq!(
        log.lines().collect::<Vec<_>>(),
        [
            "--user daemon-reload",
            "--user enable --now aftercare-remind.timer"
        ]
    );
    // systemd itself accepts both units.
    let verify = Command::new("systemd-analyze")
        .arg("verify")
        .arg(units.join("aftercare-remind.timer"))
        .arg(units.join("aftercare-remind.service"))
        .output()
        .expect("systemd-analyze runs (Debian's systemd package)");
    assert!(
        verify.status.success() && verify.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
    // Off again: disabled and removed.
    p.change("background-reminders", "false");
    assert!(!units.join("aftercare-remind.timer").exists());
    assert!(!units.join("aftercare-remind.service").exists());
    let log = std::fs::read_to_string(tools.path().join("systemctl.log")).unwrap();
    assert!(
        log.contains("--user disable --now aftercare-remind.timer"),
        "{log}"
    );
    // A failing systemctl: a clear banner, nothing left behind.
    std::fs::write(tools.path().join("fail"), "").unwrap();
    p.change("background-reminders", "true");
    let text = p.text();
    assert!(
        text.contains("That did not work") && text.contains("Failed to connect to bus"),
        "{text}"
    );
    assert!(!units.join("aftercare-remind.timer").exists());
    assert!(!units.join("aftercare-remind.service").exists());
}

/// Runs `script` under a private D-Bus session with dunst and dbus-monitor on a display of
/// its own; `OUT` is `out`, `AFTERCARE` the binary.
pub fn with_notification_server(out: &Path, script: &str, envs: &[(&str, &str)]) {
    let x = Xvfb::start();
    let prelude = r#"
set -u
dbus-monitor --session "interface='org.freedesktop.Notifications'" > "$OUT/monitor.log" 2>&1 &
monitor=$!
dunst > "$OUT/dunst.log" 2>&1 &
daemon=$!
for _ in $(seq 100); do
  dbus-send --session --print-reply --dest=org.freedesktop.DBus /org/freedesktop/DBus \
    org.freedesktop.DBus.NameHasOwner string:org.freedesktop.Notifications 2>/dev/null | grep -q true && break
  sleep 0.1
done
# Waits until file $1 matches $2 (grep -E), at most $3 seconds.
wait_for() { for _ in $(seq $(( $3 * 10 ))); do grep -qE "$2" "$1" 2>/dev/null && return 0; sleep 0.1; done; return 1; }
"#;
    let epilogue = "\nkill $monitor $daemon 2>/dev/null\nexit 0\n";
    let mut cmd = Command::new("dbus-run-session");
    cmd.args(["--", "bash", "-c", &format!("{prelude}{script}{epilogue}")])
        .env("AFTERCARE", bin())
        .env("OUT", out)
        .env("DISPLAY", &x.display)
        .env_remove("WAYLAND_DISPLAY")
        .env("TZ", TZ)
        .env("LC_ALL", "en_GB.UTF-8")
        .env("LANG", "en_GB.UTF-8")
        .env("AFTERCARE_DATA_DIR", out);
    for (k, v) in envs {
        cmd.env(k, v);
    }
    let status = cmd
        .status()
        .expect("dbus-run-session runs (scripts/setup installs dbus and dunst)");
    assert!(status.success());
}

fn read(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_default()
}

/// The delivery log of the store, from a backup written by the CLI.
fn delivery_states(dir: &Path, id: &str) -> Vec<String> {
    let file = dir.join("log-backup.json");
    ok(
        dir,
        TZ,
        "2026-11-21T21:00:00+01:00",
        &["backup", "--out", file.to_str().unwrap()],
    );
    let backup = aftercare::domain::backup::decode(&std::fs::read(&file).unwrap()).unwrap();
    let mut states: Vec<String> = backup
        .snapshot
        .deliveries
        .iter()
        .filter(|d| d.id == id)
        .map(|d| {
            serde_json::to_value(d.state)
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    states.sort();
    states
}

/// A data folder with the session of 20 November and that day's check-in, recorded on the
/// 21st at 19:00: what is due next is the check-in reminder of the 21st at 20:00.
fn session_with_the_first_day_checked_in() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), "2026-11-20T18:00:00+01:00");
    ok(
        dir.path(),
        TZ,
        "2026-11-21T19:00:00+01:00",
        &["checkin", "--date", "2026-11-20", "--day", "worn"],
    );
    dir
}

/// The running app sleeps until tonight's check-in reminder (its timer thread makes no
/// context switch meanwhile), shows it at 20:00 through the real notification server, waits
/// for the click without waking, and a click on it marks it opened.
#[test]
fn the_running_app_delivers_at_the_instant_and_a_click_opens_it() {
    let dir = session_with_the_first_day_checked_in();
    let script = r#"
"$AFTERCARE" --now 2026-11-21T19:59:54+01:00 --clock-runs --first-frame print > "$OUT/app.txt" 2> "$OUT/app.err" &
app=$!
started=$(date +%s.%N)
wait_for "$OUT/app.txt" "aftercare-first-frame" 120 || echo "no first frame" >> "$OUT/fail.txt"
# The voluntary context switches of the app's thread whose name starts with $1 (a thread name
# is cut to 15 characters), into $OUT/$2-before.txt and, two seconds later, $2-after.txt.
switches_over_two_seconds() {
  local t
  t=$(grep -l "^$1" /proc/$app/task/*/comm | head -1 | xargs dirname)
  grep voluntary_ctxt_switches "$t/status" | head -1 | awk '{print $2}' > "$OUT/$2-before.txt"
  sleep 2
  grep voluntary_ctxt_switches "$t/status" | head -1 | awk '{print $2}' > "$OUT/$2-after.txt"
}
# Two seconds of sleep: the timer thread must not wake.
switches_over_two_seconds aftercare-remin switches
wait_for "$OUT/monitor.log" "Time for today" 60 || echo "no notification" >> "$OUT/fail.txt"
echo "$started $(date +%s.%N)" > "$OUT/times.txt"
sleep 0.5
# Two seconds with the notification open: the thread waiting for its click must not wake.
switches_over_two_seconds aftercare-click click
dunstctl action 0
sleep 3
kill $app
wait $app
"#;
    with_notification_server(dir.path(), script, &[]);
    assert_eq!(
        read(dir.path(), "fail.txt"),
        "",
        "app: {}\n{}\ndunst: {}",
        read(dir.path(), "app.txt"),
        read(dir.path(), "app.err"),
        read(dir.path(), "dunst.log")
    );
    let before = read(dir.path(), "switches-before.txt");
    let after = read(dir.path(), "switches-after.txt");
    assert!(!before.trim().is_empty(), "the timer thread was not found");
    assert_eq!(before, after, "the timer thread woke while nothing was due");
    let before = read(dir.path(), "click-before.txt");
    let after = read(dir.path(), "click-after.txt");
    assert!(!before.trim().is_empty(), "no thread waits for the click");
    assert_eq!(
        before, after,
        "the thread waiting for the click woke while the notification stayed open"
    );
    // Delivered at 20:00, i.e. about six seconds after the start, not before.
    let times: Vec<f64> = read(dir.path(), "times.txt")
        .split_whitespace()
        .map(|t| t.parse().unwrap())
        .collect();
    let waited = times[1] - times[0];
    assert!(waited >= 5.0, "delivered early, after {waited:.1} s");
    let monitor = read(dir.path(), "monitor.log");
    assert_eq!(
        monitor.matches("member=Notify").count(),
        1,
        "exactly tonight's reminder: {monitor}"
    );
    assert!(monitor.contains("member=ActionInvoked"), "{monitor}");
    assert_eq!(
        delivery_states(dir.path(), "checkin:2026-11-20:2026-11-21"),
        ["opened"],
        "the log keeps the latest state: delivered, then opened by the click"
    );
}

/// A notification service that crashes forgets the notifications it showed and never says
/// they closed: the app's thread waiting for a click ends when the service's name changes
/// hands, instead of waiting for the life of the app.
#[test]
fn a_crashed_notification_service_ends_the_wait_for_a_click() {
    let dir = session_with_the_first_day_checked_in();
    let script = r#"
"$AFTERCARE" --now 2026-11-21T19:59:58+01:00 --clock-runs --first-frame print > "$OUT/app.txt" 2> "$OUT/app.err" &
app=$!
wait_for "$OUT/app.txt" "aftercare-first-frame" 120 || echo "no first frame" >> "$OUT/fail.txt"
wait_for "$OUT/monitor.log" "Time for today" 60 || echo "no notification" >> "$OUT/fail.txt"
sleep 0.5
waiting() { grep -l "^aftercare-click" /proc/$app/task/*/comm 2>/dev/null | wc -l; }
waiting > "$OUT/waiting-before.txt"
kill -9 $daemon
wait $daemon 2>/dev/null
dunst > "$OUT/dunst-again.log" 2>&1 &
daemon=$!
sleep 1
waiting > "$OUT/waiting-after.txt"
kill $app
wait $app
"#;
    with_notification_server(dir.path(), script, &[]);
    assert_eq!(
        read(dir.path(), "fail.txt"),
        "",
        "app: {}\n{}",
        read(dir.path(), "app.txt"),
        read(dir.path(), "app.err")
    );
    assert_eq!(
        read(dir.path(), "waiting-before.txt").trim(),
        "1",
        "one thread waits for the click while the notification is shown"
    );
    assert_eq!(
        read(dir.path(), "waiting-after.txt").trim(),
        "0",
        "the wait ends when the service that showed the notification is gone"
    );
}

/// `remind --wait-for-click` shows what is due, lets go of the store, and a click opens the
/// app on the reminder's check-in (the app reports its first frame and exits).
#[test]
fn a_click_on_a_remind_notification_opens_the_check_in() {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), "2026-11-20T18:00:00+01:00");
    let script = r#"
"$AFTERCARE" remind --wait-for-click 60 > "$OUT/remind.txt" 2>&1 &
remind=$!
wait_for "$OUT/monitor.log" "Yesterday's check-in is open" 30 || echo "no notification" >> "$OUT/fail.txt"
sleep 0.5
dunstctl action 0
wait_for "$OUT/remind.txt" "aftercare-first-frame" 120 || echo "no app" >> "$OUT/fail.txt"
dunstctl close-all
wait $remind
"#;
    with_notification_server(
        dir.path(),
        script,
        &[
            ("AFTERCARE_NOW", "2026-11-21T09:30:00+01:00"),
            ("AFTERCARE_FIRST_FRAME", "exit"),
        ],
    );
    let remind = read(dir.path(), "remind.txt");
    assert_eq!(
        read(dir.path(), "fail.txt"),
        "",
        "{remind}\ndunst: {}",
        read(dir.path(), "dunst.log")
    );
    assert!(remind.starts_with("Delivered 2 reminder(s)"), "{remind}");
    assert!(remind.contains("Opened the app for checkin"), "{remind}");
    assert!(
        remind.contains("aftercare-first-frame: Check-in for Friday, 20 November 2026"),
        "{remind}"
    );
    let opened = [
        "checkin:2026-11-20:2026-11-20",
        "checkin-followup:2026-11-20:2026-11-20",
    ]
    .iter()
    .filter(|id| delivery_states(dir.path(), id).contains(&"opened".to_string()))
    .count();
    assert_eq!(opened, 1, "the clicked reminder is marked opened");
}

/// A phone's permission as the test sets it; remembers what the app asked for.
#[derive(Clone)]
struct FakeAccess {
    state: Arc<Mutex<aftercare::app::AccessState>>,
    calls: Arc<Mutex<Vec<&'static str>>>,
}

impl aftercare::app::NotificationAccess for FakeAccess {
    fn state(&self) -> Result<aftercare::app::AccessState, String> {
        Ok(*self.state.lock().unwrap())
    }
    fn ask(&self) -> Result<(), String> {
        self.calls.lock().unwrap().push("ask");
        Ok(())
    }
    fn open_exact_settings(&self) -> Result<(), String> {
        self.calls.lock().unwrap().push("exact");
        Ok(())
    }
}

#[test]
fn settings_show_denied_or_inexact_notifications_and_how_to_fix_them() {
    let dir = tempfile::tempdir().unwrap();
    let access = FakeAccess {
        state: Arc::new(Mutex::new(aftercare::app::AccessState {
            allowed: false,
            exact: Some(false),
        })),
        calls: Arc::default(),
    };
    let mut p = Page::open_with(dir.path(), "2026-11-20T18:00:00+01:00", TZ, "en-GB", |l| {
        l.access = Some(Arc::new(access.clone()))
    });
    // Finishing set-up asks for the permission once, as it is off.
    p.input("setup-date", "2026-11-20");
    p.input("setup-time", "15:30");
    p.click("area-left-calf-back");
    p.submit("setup-form");
    assert_eq!(*access.calls.lock().unwrap(), ["ask"], "{}", p.text());
    p.click("nav-settings");
    assert!(
        p.text().contains("Notifications are off for Aftercare"),
        "{}",
        p.text()
    );
    assert!(p.find("notify-exact").is_none());
    p.click("notify-allow");
    assert_eq!(*access.calls.lock().unwrap(), ["ask", "ask"]);
    // Allowed now, but inexact: the other fix is offered.
    access.state.lock().unwrap().allowed = true;
    p.click("nav-today");
    p.click("nav-settings");
    assert!(
        p.text().contains("may deliver them some minutes late"),
        "{}",
        p.text()
    );
    assert!(p.find("notify-allow").is_none());
    p.click("notify-exact");
    assert_eq!(*access.calls.lock().unwrap(), ["ask", "ask", "exact"]);
    access.state.lock().unwrap().exact = Some(true);
    p.click("nav-today");
    p.click("nav-settings");
    assert!(
        p.text()
            .contains("Notifications are on: reminders arrive at their time."),
        "{}",
        p.text()
    );
}

#[test]
fn the_android_plan_file_and_delivered_log_round_trip() {
    use aftercare::platform::plan_file::{plan_json, take_delivered, DELIVERED_FILE};
    let mut app = app_at("2026-11-21T08:00:00+01:00");
    let upcoming = app.upcoming().unwrap();
    let json: serde_json::Value =
        serde_json::from_str(&plan_json(&upcoming, "Recordatorios", "x")).unwrap();
    assert_eq!(json["version"], 1);
    assert_eq!(json["channel"]["name"], "Recordatorios");
    let first = &json["reminders"][0];
    assert_eq!(first["id"], upcoming[0].id.as_str());
    assert_eq!(
        first["at_ms"].as_i64().unwrap(),
        upcoming[0].at.timestamp_millis()
    );
    assert_eq!(json["reminders"].as_array().unwrap().len(), upcoming.len());
    // What Kotlin posted (one good line, one for an unknown id, one broken) is imported once.
    let files = tempfile::tempdir().unwrap();
    let posted = at("2026-11-21T09:00:05+01:00").timestamp_millis();
    std::fs::write(
        files.path().join(DELIVERED_FILE),
        format!("checkin-followup:2026-11-20:2026-11-20\t{posted}\nnot-a-reminder\t{posted}\nbroken line\n"),
    )
    .unwrap();
    let shown = take_delivered(files.path());
    assert_eq!(shown.len(), 2);
    assert!(
        !files.path().join(DELIVERED_FILE).exists(),
        "the log is emptied"
    );
    assert_eq!(app.record_delivered(&shown).unwrap(), 1);
    assert_eq!(app.record_delivered(&shown).unwrap(), 0, "not twice");
    let log = app.snapshot().unwrap().deliveries;
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].id, "checkin-followup:2026-11-20:2026-11-20");
    assert_eq!(log[0].at.to_rfc3339(), "2026-11-21T09:00:05+01:00");
    // Delivered by the phone: no longer upcoming, so not armed again.
    assert!(app.upcoming().unwrap().iter().all(|r| r.id != log[0].id));
}

/// The wall clock between runs of the app: each run opens the real store at `now` in
/// `zone`, delivers what is due, and checks what must hold whatever the clock did: nothing
/// due in the catch-up window is left undelivered, nothing upcoming is already due, and
/// "Day k" is (today in the device zone − start date) + 1 within the wear period.
/// Returns the identities it delivered.
fn clock_run(dir: &Path, now: &str, zone: &str, shown: &Recorder) -> Vec<String> {
    use aftercare::app::Store;
    let clock = FixedClock {
        now: at(now),
        zone: zone.parse().unwrap(),
    };
    let store = aftercare::platform::sled_store::SledStore::open(dir, Box::new(clock)).unwrap();
    let mut app = Aftercare::new(store, clock);
    let delivered: Vec<String> = app
        .deliver_due(shown)
        .unwrap()
        .into_iter()
        .map(|r| r.id)
        .collect();
    check_clock_invariants(&app, &app.store().load().unwrap().deliveries, now, zone);
    delivered
}

fn check_clock_invariants<S: aftercare::app::Store, C: aftercare::app::Clock>(
    app: &Aftercare<S, C>,
    log: &[aftercare::domain::delivery::Delivery],
    now: &str,
    zone: &str,
) {
    let instant = app.clock().now();
    for r in app.inbox().unwrap() {
        assert!(
            log.iter().any(|d| d.id == r.id),
            "{now} in {zone}: {} is due and was not delivered",
            r.id
        );
    }
    for r in app.upcoming().unwrap() {
        assert!(
            r.at.with_timezone(&Utc) > instant,
            "{now} in {zone}: {} is due but still upcoming",
            r.id
        );
    }
    let (status, _) = app.status().unwrap();
    let tz: aftercare::domain::zone::Tz = zone.parse().unwrap();
    let today = instant.with_timezone(&tz).date_naive();
    let start = chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let (wear_start, wear_end) = (at("2026-11-20T14:30:00Z"), at("2026-12-04T14:30:00Z"));
    let expected =
        (instant >= wear_start && instant < wear_end).then(|| (today - start).num_days() + 1);
    assert_eq!(
        status.sessions[0].day_index, expected,
        "{now} in {zone}: day index"
    );
}

/// The clock jumping forward and back and the zone changing between runs, on the real store:
/// no reminder is shown twice, what is due is shown once (in the zone of the run), and the
/// day index follows the device zone's date.
#[test]
fn clock_jumps_and_zone_changes_between_runs_neither_duplicate_nor_lose_reminders() {
    let dir = tempfile::tempdir().unwrap();
    add_session(dir.path(), "2026-11-20T16:00:00+01:00");
    let shown = Recorder::default();
    let run = |now: &str, zone: &str| clock_run(dir.path(), now, zone, &shown);
    let checkin = |date: &str| format!("checkin:2026-11-20:{date}");

    // Evening of day 2 in Berlin: tonight's check-in reminder (and what fell due before).
    let first = run("2026-11-21T20:05:00+01:00", "Europe/Berlin");
    assert!(first.contains(&checkin("2026-11-21")), "{first:?}");
    // The clock goes back an hour, then forward again: nothing is shown again.
    assert_eq!(
        run("2026-11-21T19:00:00+01:00", "Europe/Berlin"),
        Vec::<String>::new()
    );
    assert_eq!(
        run("2026-11-21T20:10:00+01:00", "Europe/Berlin"),
        Vec::<String>::new()
    );
    // Flown to New York: 20:05 in Berlin is 14:05 there, before the check-in time.
    let ny = run("2026-11-22T14:05:00-05:00", "America/New_York");
    assert!(!ny.contains(&checkin("2026-11-22")), "{ny:?}");
    // 20:05 in New York (02:05 in Berlin): tonight's reminder, at New York's 20:00.
    let ny = run("2026-11-22T20:05:00-05:00", "America/New_York");
    assert_eq!(ny, vec![checkin("2026-11-22")]);
    // Back in Berlin's zone a minute later (the next date there): not shown again.
    let berlin = run("2026-11-23T02:06:00+01:00", "Europe/Berlin");
    assert!(!berlin.contains(&checkin("2026-11-22")), "{berlin:?}");
    // A jump three days ahead: what fell due in the last 36 hours is caught up once.
    let ahead = run("2026-11-26T21:00:00+01:00", "Europe/Berlin");
    for id in [checkin("2026-11-25"), checkin("2026-11-26")] {
        assert!(ahead.contains(&id), "{id} in {ahead:?}");
    }
    // Older than the catch-up window: not shown as a notification (its date stays "not
    // recorded" on Today) …
    assert!(!ahead.contains(&checkin("2026-11-24")), "{ahead:?}");
    // … until the clock goes back to its evening, when it is due again and shown once
    // (with the day before's, now inside the window again).
    let back = run("2026-11-24T20:30:00+01:00", "Europe/Berlin");
    assert!(back.contains(&checkin("2026-11-24")), "{back:?}");
    assert!(back
        .iter()
        .all(|id| !first.contains(id) && !ahead.contains(id)));
    assert_eq!(
        run("2026-11-26T21:00:00+01:00", "Europe/Berlin"),
        Vec::<String>::new()
    );
    // Lord Howe Island (+11, a 30-minute DST shift) and back: nothing twice.
    run("2026-11-27T07:30:00+11:00", "Australia/Lord_Howe");
    run("2026-11-26T21:05:00+01:00", "Europe/Berlin");
    let ids: Vec<String> = shown
        .0
        .lock()
        .unwrap()
        .iter()
        .map(|r| r.id.clone())
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), ids.len(), "shown twice: {ids:?}");
}

/// A clock whose instant and zone the test moves; shared by the app and the test.
#[derive(Clone)]
struct MovingClock(Arc<Mutex<(DateTime<Utc>, aftercare::domain::zone::Tz)>>);

impl aftercare::app::Clock for MovingClock {
    fn now(&self) -> DateTime<Utc> {
        self.0.lock().unwrap().0
    }
    fn zone(&self) -> aftercare::domain::zone::Tz {
        self.0.lock().unwrap().1
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(64))]
    /// Random jumps of the wall clock (back up to two days, ahead up to three) and random
    /// zones, across the whole plan: never a reminder twice, never a due one left undelivered,
    /// the day index always right.
    #[test]
    fn random_clock_jumps_and_zones_never_duplicate_or_lose(
        steps in proptest::collection::vec((-2880i64..4320, 0usize..6), 1..16)
    ) {
        const ZONES: [&str; 6] = [
            "Europe/Berlin", "America/New_York", "Asia/Tokyo", "Australia/Lord_Howe",
            "Asia/Kolkata", "UTC",
        ];
        let start = at("2026-11-20T16:00:00+01:00");
        let clock = MovingClock(Arc::new(Mutex::new((start, "Europe/Berlin".parse().unwrap()))));
        let mut app = Aftercare::new(MemoryStore::default(), clock.clone());
        app.add_session(aftercare::domain::session::SessionDraft {
            date: chrono::NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            end_time: chrono::NaiveTime::from_hms_opt(15, 30, 0).unwrap(),
            tz: TZ.parse().unwrap(),
            areas: vec![],
            sclerosant: None,
            stockings: Default::default(),
            clinic: Default::default(),
            note: String::new(),
            plan: aftercare::domain::plan::PlanConfig::default(),
        }).unwrap();
        let shown = Recorder::default();
        let mut now = start;
        for (minutes, zone) in steps {
            now += chrono::Duration::minutes(minutes);
            *clock.0.lock().unwrap() = (now, ZONES[zone].parse().unwrap());
            app.deliver_due(&shown).unwrap();
            let log = aftercare::app::Store::load(app.store()).unwrap().deliveries;
            check_clock_invariants(&app, &log, &now.to_rfc3339(), ZONES[zone]);
        }
        let ids: Vec<String> = shown.0.lock().unwrap().iter().map(|r| r.id.clone()).collect();
        let mut unique = ids.clone();
        unique.sort();
        unique.dedup();
        proptest::prop_assert_eq!(unique.len(), ids.len());
    }
}
