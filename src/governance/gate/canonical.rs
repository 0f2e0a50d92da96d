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

/// The first report schema whose digest is taken over the RFC 8785 form.
pub const JCS_REPORT_SCHEMA: u64 = 2;

/// A gate report's digest as its schema defines it: the canonical JSON without `evaluated_at`
/// and `digest`; RFC 8785 from schema 2 on, this module's older form before (so digests of
/// reports already recorded still verify).
pub fn report_digest<T: Serialize>(report: &T, schema_version: u64) -> String {
    let mut v = serde_json::to_value(report).unwrap_or(Value::Null);
    if let Value::Object(map) = &mut v {
        for key in ["evaluated_at", "digest"] {
            map.remove(key);
        }
    }
    let text = if schema_version >= JCS_REPORT_SCHEMA {
        crate::governance::jcs::canonicalize(&v)
    } else {
        let mut out = String::new();
        write(&v, &mut out);
        out
    };
    sha256_hex(text.as_bytes())
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
    fn excluded_keys_do_not_change_the_digest_and_schema_2_is_rfc_8785() {
        let a = json!({"k": 1.0, "evaluated_at": "2026-01-01T00:00:00Z", "digest": "x"});
        let b = json!({"k": 1.0, "evaluated_at": "2027-01-01T00:00:00Z"});
        for schema in [1, 2] {
            assert_eq!(report_digest(&a, schema), report_digest(&b, schema));
        }
        // Schema 1 kept serde_json's `1.0`; RFC 8785 writes `1`.
        assert_eq!(report_digest(&a, 1), sha256_hex(br#"{"k":1.0}"#));
        assert_eq!(report_digest(&a, 2), sha256_hex(br#"{"k":1}"#));
    }
}
