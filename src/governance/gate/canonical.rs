//! Canonical JSON for digests: object keys sorted, no whitespace, numbers as serde_json writes
//! them (shortest round-trip form). Independent of serde_json's `preserve_order` feature, so a
//! digest computed by CI and by the cockpit agree.

use serde::Serialize;
use serde_json::Value;

use crate::governance::policy::sha256_hex;

/// `value` as canonical JSON text.
pub fn canonical_json<T: Serialize>(value: &T) -> String {
    let v = serde_json::to_value(value).expect("serializable to JSON");
    let mut out = String::new();
    write(&v, &mut out);
    out
}

/// SHA-256 (hex) of the canonical JSON of `value` with top-level `excluded` keys removed.
pub fn digest_without<T: Serialize>(value: &T, excluded: &[&str]) -> String {
    let mut v = serde_json::to_value(value).expect("serializable to JSON");
    if let Value::Object(map) = &mut v {
        for key in excluded {
            map.remove(*key);
        }
    }
    let mut out = String::new();
    write(&v, &mut out);
    sha256_hex(out.as_bytes())
}

fn write(v: &Value, out: &mut String) {
    match v {
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write(&map[k], out);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write(item, out);
            }
            out.push(']');
        }
        scalar => out.push_str(&scalar.to_string()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn keys_are_sorted_at_every_level() {
        let v = json!({"b": 1, "a": {"z": [true, null], "y": "x"}, "c": 0.1});
        assert_eq!(
            canonical_json(&v),
            r#"{"a":{"y":"x","z":[true,null]},"b":1,"c":0.1}"#
        );
    }

    #[test]
    fn excluded_keys_do_not_change_the_digest() {
        let a = json!({"k": 1, "evaluated_at": "2026-01-01T00:00:00Z"});
        let b = json!({"k": 1, "evaluated_at": "2027-01-01T00:00:00Z"});
        assert_eq!(
            digest_without(&a, &["evaluated_at"]),
            digest_without(&b, &["evaluated_at"])
        );
        assert_ne!(digest_without(&a, &[]), digest_without(&b, &[]));
        assert_eq!(
            digest_without(&a, &["evaluated_at"]),
            sha256_hex(br#"{"k":1}"#)
        );
    }
}
