//! What the binary says about itself, offline: shell completions and the man page, generated
//! from the same clap definition that parses the command line, so they never drift from it.

use std::io::Write;

use clap::CommandFactory;

use super::{Cli, Command};

/// Answer `completions` and `man` without settings or a server; `None` for every other command.
pub fn offline(command: &Command, out: &mut impl Write) -> Option<std::io::Result<()>> {
    match command {
        Command::Completions { shell } => {
            // Generated into memory first: clap_complete panics when its writer fails (a
            // closed pipe), and a failed write must be an error, never a panic.
            let mut script = Vec::new();
            clap_complete::generate(*shell, &mut Cli::command(), "tollgate", &mut script);
            Some(out.write_all(&script))
        }
        Command::Man => Some(clap_mangen::Man::new(Cli::command()).render(out)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(command: Command) -> String {
        let mut out = Vec::new();
        offline(&command, &mut out)
            .expect("offline")
            .expect("written");
        String::from_utf8(out).expect("UTF-8")
    }

    #[test]
    fn completions_name_every_subcommand_for_each_shell() {
        for shell in [
            clap_complete::Shell::Bash,
            clap_complete::Shell::Zsh,
            clap_complete::Shell::Fish,
        ] {
            let script = text(Command::Completions { shell });
            for sub in [
                "approve",
                "rollback",
                "inbox",
                "gate",
                "doctor",
                "completions",
            ] {
                assert!(script.contains(sub), "{shell}: no {sub}");
            }
        }
    }

    /// `tollgate completions bash | head -1`: the reader leaves; an error, never a panic.
    #[test]
    fn a_closed_pipe_is_an_error_not_a_panic() {
        struct Closed;
        impl Write for Closed {
            fn write(&mut self, _: &[u8]) -> std::io::Result<usize> {
                Err(std::io::ErrorKind::BrokenPipe.into())
            }
            fn flush(&mut self) -> std::io::Result<()> {
                Ok(())
            }
        }
        for command in [
            Command::Completions {
                shell: clap_complete::Shell::Bash,
            },
            Command::Man,
        ] {
            let answered = offline(&command, &mut Closed).expect("offline");
            assert_eq!(
                answered.map_err(|e| e.kind()),
                Err(std::io::ErrorKind::BrokenPipe)
            );
        }
    }

    #[test]
    fn the_man_page_is_roff_with_the_commands() {
        let page = text(Command::Man);
        assert!(
            page.starts_with(".ie") || page.contains(".TH tollgate"),
            "{}",
            &page[..200]
        );
        assert!(page.contains("approve") && page.contains("\\-\\-tracking\\-uri"));
    }
}
