//! The `allowed_signers` file (ssh-keygen(1), "ALLOWED SIGNERS"): one key per line,
//! `principals [options] keytype base64-key [comment]`. Read here only to choose which agent
//! key to sign with; verification itself is left to `ssh-keygen -Y verify` on the same file.

/// One line: the principals (comma-separated patterns) and the key.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AllowedSigner {
    pub principals: Vec<String>,
    pub key_type: String,
    pub key: String,
}

/// Parse the file; lines that are blank, comments or not understood are skipped (they allow
/// nothing here, and `ssh-keygen` judges them when verifying).
pub fn parse_allowed_signers(text: &str) -> Vec<AllowedSigner> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .filter_map(parse_line)
        .collect()
}

fn parse_line(line: &str) -> Option<AllowedSigner> {
    let (principals, rest) = split_principals(line)?;
    let words: Vec<&str> = rest.split_whitespace().collect();
    // The key type is the first word that names one (options such as
    // `namespaces="a,b"` or `cert-authority` come before it).
    let at = words.iter().position(|w| is_key_type(w))?;
    Some(AllowedSigner {
        principals,
        key_type: words[at].to_string(),
        key: words.get(at + 1)?.to_string(),
    })
}

/// The principals field, which may be quoted.
fn split_principals(line: &str) -> Option<(Vec<String>, &str)> {
    let (field, rest) = if let Some(quoted) = line.strip_prefix('"') {
        let end = quoted.find('"')?;
        (&quoted[..end], &quoted[end + 1..])
    } else {
        let end = line.find(char::is_whitespace)?;
        (&line[..end], &line[end..])
    };
    let principals = field.split(',').map(|p| p.trim().to_string()).collect();
    Some((principals, rest))
}

fn is_key_type(word: &str) -> bool {
    word.starts_with("ssh-") || word.starts_with("ecdsa-") || word.starts_with("sk-")
}

impl AllowedSigner {
    /// Whether the line allows `principal` (patterns with `*` and `?`, as ssh does; a `!`
    /// negation is left to `ssh-keygen` and never chooses a key here).
    pub fn allows(&self, principal: &str) -> bool {
        self.principals
            .iter()
            .any(|p| !p.starts_with('!') && glob(p.as_bytes(), principal.as_bytes()))
    }
}

fn glob(pattern: &[u8], text: &[u8]) -> bool {
    match (pattern.first(), text.first()) {
        (None, None) => true,
        (Some(b'*'), _) => {
            glob(&pattern[1..], text) || (!text.is_empty() && glob(pattern, &text[1..]))
        }
        (Some(b'?'), Some(_)) => glob(&pattern[1..], &text[1..]),
        (Some(p), Some(t)) if p == t => glob(&pattern[1..], &text[1..]),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_with_options_quotes_and_patterns() {
        let text = "# team\n\
            ana,bo ssh-ed25519 AAAA1 ana@laptop\n\
            \"cy\" namespaces=\"tollgate-decision\" ssh-ed25519 AAAA2\n\
            *@ops.example ecdsa-sha2-nistp256 AAAA3\n\
            garbage\n";
        let signers = parse_allowed_signers(text);
        assert_eq!(signers.len(), 3);
        assert_eq!(signers[0].principals, ["ana", "bo"]);
        assert_eq!(signers[1].key, "AAAA2");
        assert!(signers[0].allows("bo"));
        assert!(!signers[0].allows("b"));
        assert!(signers[2].allows("dan@ops.example"));
        assert!(!signers[2].allows("dan@dev.example"));
    }
}
