//! Wiring only. Desktop: parse the command line, run a command or launch the app. Phones
//! have no command line: the app opens on the system clock in the platform's data folder.

use std::process::ExitCode;

#[cfg(not(any(target_os = "android", target_os = "ios")))]
fn main() -> ExitCode {
    aftercare::ui::prepare_process();
    let cli = match aftercare::cli::parse(std::env::args_os()) {
        Ok(cli) => cli,
        Err(code) => return code,
    };
    match aftercare::cli::run(cli) {
        Ok(aftercare::cli::Outcome::Done) => ExitCode::SUCCESS,
        Ok(aftercare::cli::Outcome::Launch(launch)) => {
            aftercare::ui::launch(*launch);
            ExitCode::SUCCESS
        }
        Err(f) => {
            // One line, whatever a value quoted in it held.
            eprintln!("aftercare: {}", aftercare::cli::printable(&f.message));
            ExitCode::from(f.code)
        }
    }
}

#[cfg(any(target_os = "android", target_os = "ios"))]
fn main() -> ExitCode {
    use aftercare::platform::clock::{RunClock, SystemClock};
    aftercare::ui::prepare_process();
    match aftercare::platform::paths::default_data_dir() {
        Ok(dir) => {
            aftercare::ui::launch(aftercare::ui::Launch::open(
                dir,
                RunClock::System(SystemClock),
            ));
            ExitCode::SUCCESS
        }
        Err(message) => {
            eprintln!("aftercare: {message}");
            ExitCode::FAILURE
        }
    }
}
