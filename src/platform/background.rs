//! Reminders while the app is closed, on Linux: a systemd user timer that runs
//! `aftercare remind` every five minutes (and at start-up for a run missed while the computer
//! was off). The switch in Settings writes or removes the two unit files and asks the user's
//! systemd to load them; the presence of the timer file is the switch's state.
//!
//! macOS and Windows have no switch yet; docs/reminders.md shows the launchd agent and the
//! Task Scheduler task that do the same.

use crate::platform::files::write_atomic;
use std::path::{Path, PathBuf};
use std::process::Command;

/// The unit names.
pub const SERVICE: &str = "aftercare-remind.service";
pub const TIMER: &str = "aftercare-remind.timer";
/// How long `remind` waits for a click on what it showed (under the timer's 5 minutes).
pub const WAIT_FOR_CLICK_SECS: u64 = 240;

/// The systemd user units for one data folder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Background {
    /// Where user units live (`~/.config/systemd/user`).
    pub unit_dir: PathBuf,
    /// The `systemctl` to run.
    pub systemctl: PathBuf,
    /// The `aftercare` executable the service runs.
    pub exe: PathBuf,
    /// The data folder it delivers for.
    pub data_dir: PathBuf,
}

/// Quotes one word for a systemd `ExecStart=` line.
fn quote(word: &str) -> String {
    let escaped = word
        .replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('%', "%%")
        .replace('$', "$$");
    format!("\"{escaped}\"")
}

impl Background {
    /// The units of the current user for `data_dir`, on Linux; `None` elsewhere or when
    /// there is no configuration folder.
    pub fn for_user(data_dir: &Path) -> Option<Background> {
        if !cfg!(target_os = "linux") {
            return None;
        }
        let config = directories::BaseDirs::new()?.config_dir().to_path_buf();
        Some(Background {
            unit_dir: config.join("systemd").join("user"),
            systemctl: PathBuf::from("systemctl"),
            exe: std::env::current_exe().ok()?,
            data_dir: data_dir.to_path_buf(),
        })
    }

    /// The service unit: one `aftercare remind` run.
    pub fn service_unit(&self) -> String {
        format!(
            "# Written by Aftercare (Settings > Notifications); removed when the switch is turned off.\n\
             [Unit]\n\
             Description=Aftercare: deliver due reminders while the app is closed\n\
             \n\
             [Service]\n\
             Type=oneshot\n\
             ExecStart={} --data-dir {} remind --wait-for-click {WAIT_FOR_CLICK_SECS}\n",
            quote(&self.exe.to_string_lossy()),
            quote(&self.data_dir.to_string_lossy()),
        )
    }

    /// The timer unit: every five minutes, and once after a start that missed a run.
    pub fn timer_unit(&self) -> String {
        "# Written by Aftercare (Settings > Notifications); removed when the switch is turned off.\n\
         [Unit]\n\
         Description=Aftercare: check for due reminders every five minutes\n\
         \n\
         [Timer]\n\
         OnCalendar=*:0/5\n\
         AccuracySec=30s\n\
         Persistent=true\n\
         \n\
         [Install]\n\
         WantedBy=timers.target\n"
            .to_string()
    }

    /// Whether the timer is installed.
    pub fn is_on(&self) -> bool {
        self.unit_dir.join(TIMER).exists()
    }

    fn systemctl(&self, args: &[&str]) -> Result<(), String> {
        let out = Command::new(&self.systemctl)
            .arg("--user")
            .args(args)
            .output()
            .map_err(|e| format!("cannot run {}: {e}", self.systemctl.display()))?;
        if out.status.success() {
            Ok(())
        } else {
            let err = String::from_utf8_lossy(&out.stderr);
            Err(format!(
                "`systemctl --user {}` failed: {}",
                args.join(" "),
                err.trim()
            ))
        }
    }

    /// Writes the units and starts the timer; on failure nothing is left behind.
    pub fn turn_on(&self) -> Result<(), String> {
        std::fs::create_dir_all(&self.unit_dir)
            .map_err(|e| format!("cannot create {}: {e}", self.unit_dir.display()))?;
        let service = self.unit_dir.join(SERVICE);
        let timer = self.unit_dir.join(TIMER);
        let written = write_atomic(&service, self.service_unit().as_bytes())
            .and_then(|_| write_atomic(&timer, self.timer_unit().as_bytes()))
            .map_err(|e| format!("cannot write the reminder timer: {e}"));
        let started = written
            .and_then(|_| self.systemctl(&["daemon-reload"]))
            .and_then(|_| self.systemctl(&["enable", "--now", TIMER]));
        if started.is_err() {
            let _ = std::fs::remove_file(&timer);
            let _ = std::fs::remove_file(&service);
            let _ = self.systemctl(&["daemon-reload"]);
        }
        started
    }

    /// Stops the timer and removes the units.
    pub fn turn_off(&self) -> Result<(), String> {
        if self.is_on() {
            self.systemctl(&["disable", "--now", TIMER])?;
        }
        for name in [TIMER, SERVICE] {
            match std::fs::remove_file(self.unit_dir.join(name)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(format!("cannot remove {name}: {e}")),
            }
        }
        self.systemctl(&["daemon-reload"])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exec_start_quotes_spaces_percent_and_dollar() {
        let b = Background {
            unit_dir: PathBuf::from("/u"),
            systemctl: PathBuf::from("systemctl"),
            exe: PathBuf::from("/opt/After care/aftercare"),
            data_dir: PathBuf::from("/home/a/100%$x"),
        };
        let unit = b.service_unit();
        assert!(unit.contains(
            "ExecStart=\"/opt/After care/aftercare\" --data-dir \"/home/a/100%%$$x\" remind --wait-for-click 240"
        ), "{unit}");
    }
}
