//! Wiring only: parse the command line, run a command or launch the app.

use std::process::ExitCode;

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
            eprintln!("aftercare: {}", f.message);
            ExitCode::from(f.code)
        }
    }
}
