//! Run a profile's `password_command` / `token_command`. Its output is the secret: it is never
//! logged, and errors say the command failed without echoing what it printed.

use std::process::{Command, Stdio};

pub fn run(command: &str) -> Result<String, String> {
    let output = Command::new("sh")
        .arg("-c")
        .arg(command)
        .stdin(Stdio::null())
        .stderr(Stdio::piped())
        .output()
        .map_err(|e| format!("could not start it ({e})"))?;
    if !output.status.success() {
        return Err(format!(
            "it exited with {} (its error output is not shown, in case it holds the secret)",
            output.status
        ));
    }
    let text =
        String::from_utf8(output.stdout).map_err(|_| "it printed non-UTF-8 output".to_string())?;
    // Like `git credential` helpers: the first line is the secret.
    let secret = text
        .lines()
        .next()
        .unwrap_or("")
        .trim_end_matches('\r')
        .to_string();
    if secret.is_empty() {
        return Err("it printed nothing".to_string());
    }
    Ok(secret)
}
