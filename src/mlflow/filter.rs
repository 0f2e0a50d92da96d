//! MLflow search filter strings. Names are data: quotes in them must be written so the server's
//! parser reads them back unchanged.

/// Quote a string literal for an MLflow filter, or `None` when it cannot be written.
///
/// MLflow's parser has no escape character: a value holding `'` must be wrapped in `"` and
/// vice versa; a value holding both cannot be expressed, and callers filter client-side instead.
pub fn quote(value: &str) -> Option<String> {
    match (value.contains('\''), value.contains('"')) {
        (false, _) => Some(format!("'{value}'")),
        (true, false) => Some(format!("\"{value}\"")),
        (true, true) => None,
    }
}

/// `name = '<name>'`, for exact lookups.
pub fn name_equals(name: &str) -> Option<String> {
    quote(name).map(|q| format!("name = {q}"))
}

/// `name ILIKE '%<text>%'`. LIKE wildcards in `text` (`%`, `_`) are not escapable either, so
/// the server's answer is a superset that callers narrow with [`contains_ignore_case`].
pub fn name_contains(text: &str) -> Option<String> {
    quote(&format!("%{text}%")).map(|q| format!("name ILIKE {q}"))
}

/// `attributes.run_id IN ('a','b')`; run ids are hex, but quoting keeps this safe anyway.
pub fn run_id_in(ids: &[&str]) -> String {
    let list: Vec<String> = ids.iter().filter_map(|id| quote(id)).collect();
    format!("attributes.run_id IN ({})", list.join(","))
}

/// `tags.`key` = 'value'`, for monitoring runs and similar.
pub fn tag_equals(key: &str, value: &str) -> Option<String> {
    if key.contains('`') {
        return None;
    }
    quote(value).map(|q| format!("tags.`{key}` = {q}"))
}

pub fn contains_ignore_case(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_follow_the_content() {
        assert_eq!(name_equals("churn").unwrap(), "name = 'churn'");
        assert_eq!(
            name_equals("O'Brien churn").unwrap(),
            "name = \"O'Brien churn\""
        );
        assert_eq!(name_equals("say \"hi\"").unwrap(), "name = 'say \"hi\"'");
        assert_eq!(name_equals("信用评分").unwrap(), "name = '信用评分'");
        assert!(name_equals("both ' and \"").is_none());
    }

    #[test]
    fn contains_wraps_in_wildcards() {
        assert_eq!(
            name_contains("Fraud (EU)").unwrap(),
            "name ILIKE '%Fraud (EU)%'"
        );
    }

    #[test]
    fn run_ids_are_listed() {
        assert_eq!(run_id_in(&["a1", "b2"]), "attributes.run_id IN ('a1','b2')");
    }

    #[test]
    fn tag_keys_are_backquoted() {
        assert_eq!(
            tag_equals("monitoring.model_name", "O'Brien churn").unwrap(),
            "tags.`monitoring.model_name` = \"O'Brien churn\""
        );
    }
}
