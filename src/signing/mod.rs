//! Signing and checking decision statements with the user's SSH key, through the programs of
//! OpenSSH: `ssh-add -L` lists the agent's keys, `ssh-keygen -Y sign` signs with one of them
//! (the private key never leaves the agent), `ssh-keygen -Y verify` checks a signature against
//! an `allowed_signers` file. Using the reference implementation keeps every key type the agent
//! holds (ed25519, ECDSA, RSA, FIDO `sk-` keys) working, and makes tollgate's check the very
//! one an auditor runs by hand.

mod allowed;
mod tempfile;

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use thiserror::Error;

pub use allowed::{parse_allowed_signers, AllowedSigner};

use crate::governance::decision::{SignatureCheck, NAMESPACE};
use tempfile::TempFile;

/// A public key held by the agent: `keytype base64 [comment]`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AgentKey {
    pub key_type: String,
    pub key: String,
    pub comment: String,
}

impl AgentKey {
    fn line(&self) -> String {
        format!("{} {}\n", self.key_type, self.key)
    }
}

/// Why a statement could not be signed.
#[derive(Debug, Clone, Error, PartialEq, Eq)]
pub enum SignError {
    #[error("no ssh-agent is reachable (SSH_AUTH_SOCK is not set, or nothing answers there)")]
    NoAgent,
    #[error("the ssh-agent holds no keys (add one with ssh-add)")]
    AgentEmpty,
    #[error("no key in your ssh-agent is listed for '{actor}' in {file}")]
    NotAllowed { actor: String, file: String },
    #[error("cannot read the allowed signers file {file}: {detail}")]
    AllowedSigners { file: String, detail: String },
    #[error("{program} failed: {detail}")]
    Program {
        program: &'static str,
        detail: String,
    },
}

/// The agent's keys (`ssh-add -L`).
pub fn agent_keys() -> Result<Vec<AgentKey>, SignError> {
    if std::env::var_os("SSH_AUTH_SOCK").is_none_or(|s| s.is_empty()) {
        return Err(SignError::NoAgent);
    }
    let output = Command::new("ssh-add")
        .arg("-L")
        .stdin(Stdio::null())
        .output()
        .map_err(|e| program_error("ssh-add", &e.to_string()))?;
    match output.status.code() {
        Some(0) => {}
        // 1: the agent has no identities; 2: no agent at the socket.
        Some(1) => return Err(SignError::AgentEmpty),
        Some(2) => return Err(SignError::NoAgent),
        _ => {
            return Err(program_error(
                "ssh-add",
                &String::from_utf8_lossy(&output.stderr),
            ))
        }
    }
    let keys: Vec<AgentKey> = String::from_utf8_lossy(&output.stdout)
        .lines()
        .filter_map(|line| {
            let mut words = line.split_whitespace();
            Some(AgentKey {
                key_type: words.next()?.to_string(),
                key: words.next()?.to_string(),
                comment: words.collect::<Vec<_>>().join(" "),
            })
        })
        .collect();
    if keys.is_empty() {
        return Err(SignError::AgentEmpty);
    }
    Ok(keys)
}

/// The agent key to sign as `actor` with: the first one `allowed_signers` lists for the
/// actor, or (no file) the agent's first key.
pub fn choose_key(actor: &str, allowed_signers: Option<&Path>) -> Result<AgentKey, SignError> {
    let keys = agent_keys()?;
    let Some(file) = allowed_signers else {
        return keys.into_iter().next().ok_or(SignError::AgentEmpty);
    };
    let text = std::fs::read_to_string(file).map_err(|e| SignError::AllowedSigners {
        file: file.display().to_string(),
        detail: e.to_string(),
    })?;
    let allowed = parse_allowed_signers(&text);
    keys.into_iter()
        .find(|k| {
            allowed
                .iter()
                .any(|a| a.key_type == k.key_type && a.key == k.key && a.allows(actor))
        })
        .ok_or_else(|| SignError::NotAllowed {
            actor: actor.to_string(),
            file: file.display().to_string(),
        })
}

/// Sign `bytes` with `key` through the agent: the armored SSHSIG text.
pub fn sign(key: &AgentKey, bytes: &[u8]) -> Result<String, SignError> {
    let public = TempFile::with(key.line().as_bytes())
        .map_err(|e| program_error("ssh-keygen -Y sign", &e.to_string()))?;
    let output = run_with_input(
        Command::new("ssh-keygen")
            .args(["-Y", "sign", "-n", NAMESPACE, "-f"])
            .arg(public.path()),
        bytes,
    )
    .map_err(|e| program_error("ssh-keygen -Y sign", &e))?;
    if !output.status.success() {
        return Err(program_error(
            "ssh-keygen -Y sign",
            &String::from_utf8_lossy(&output.stderr),
        ));
    }
    let text = String::from_utf8_lossy(&output.stdout).into_owned();
    if !text.starts_with("-----BEGIN SSH SIGNATURE-----") {
        return Err(program_error("ssh-keygen -Y sign", "it wrote no signature"));
    }
    Ok(text)
}

/// Check `signature` over `bytes` for `principal` with `ssh-keygen -Y verify`. When that
/// fails, `check-novalidate` tells a signature that does not match the bytes from one by a
/// key the file does not allow for the principal.
pub fn verify(
    allowed_signers: &Path,
    principal: &str,
    bytes: &[u8],
    signature: &[u8],
) -> SignatureCheck {
    let sig = match TempFile::with(signature) {
        Ok(f) => f,
        Err(e) => return bad(format!("cannot write a temporary file: {e}")),
    };
    let verified = run_with_input(
        Command::new("ssh-keygen")
            .args(["-Y", "verify", "-n", NAMESPACE, "-f"])
            .arg(allowed_signers)
            .arg("-I")
            .arg(principal)
            .arg("-s")
            .arg(sig.path()),
        bytes,
    );
    match verified {
        Err(e) => bad(format!("ssh-keygen -Y verify could not run: {e}")),
        Ok(out) if out.status.success() => SignatureCheck::Good {
            signer: principal.to_string(),
        },
        Ok(_) => {
            let intact = run_with_input(
                Command::new("ssh-keygen")
                    .args(["-Y", "check-novalidate", "-n", NAMESPACE, "-s"])
                    .arg(sig.path()),
                bytes,
            )
            .is_ok_and(|o| o.status.success());
            if intact {
                bad(format!(
                    "signed by a key the allowed signers do not list for '{principal}'"
                ))
            } else {
                bad("the signature does not match the signed statement".into())
            }
        }
    }
}

fn bad(why: String) -> SignatureCheck {
    SignatureCheck::Bad { why }
}

/// Run `command` with `input` on stdin; its stdout and stderr captured.
fn run_with_input(command: &mut Command, input: &[u8]) -> Result<std::process::Output, String> {
    let mut child = command
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| e.to_string())?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input).map_err(|e| e.to_string())?;
    }
    child.wait_with_output().map_err(|e| e.to_string())
}

fn program_error(program: &'static str, detail: &str) -> SignError {
    SignError::Program {
        program,
        detail: detail.trim().lines().last().unwrap_or("").to_string(),
    }
}
