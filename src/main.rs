use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use tollgate::app::StartAt;
use tollgate::cli::{self, exit_code, Cli, Command};
use tollgate::text::sanitize_line;

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(answered) = cli
        .command
        .as_ref()
        .and_then(|c| cli::offline(c, &mut std::io::stdout().lock()))
    {
        return match answered {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
            Err(e) => {
                print_error(&e.to_string());
                ExitCode::from(1)
            }
        };
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            print_error(&format!("cannot start the async runtime: {e}"));
            return ExitCode::from(1);
        }
    };
    let _log_guard = tollgate::logging::init();
    let cockpit = |start| {
        runtime
            .block_on(tollgate::cockpit::run(&cli.global.cockpit(), start))
            .map(|ended| ended.exit_status())
            .map_err(cli::CliError::from)
    };
    let result = match &cli.command {
        Some(Command::Open { model, version }) => cockpit(match version {
            Some(v) => StartAt::Version(model.clone(), v.clone()),
            None => StartAt::Model(model.clone()),
        }),
        Some(command) => runtime.block_on(cli::run(&cli.global, command)).map(|()| 0),
        None => cockpit(StartAt::Models),
    };
    match result {
        Ok(status) => ExitCode::from(status),
        // `tollgate models | head`: the reader left; that is not an error worth a message.
        Err(cli::CliError::Io(e)) if e.kind() == std::io::ErrorKind::BrokenPipe => {
            ExitCode::SUCCESS
        }
        Err(e) => {
            // Error text can quote the server; it goes through the same sanitizer as tables.
            print_error(&sanitize_line(&e.to_string()));
            ExitCode::from(exit_code(&e) as u8)
        }
    }
}

/// `tollgate: error: …` on stderr. Never panics (as `eprintln!` does when the write fails):
/// after a hang-up, stderr is a terminal that is gone, and the exit status still tells.
fn print_error(message: &str) {
    let _ = writeln!(std::io::stderr().lock(), "tollgate: error: {message}");
}
