//! JSON as Python writes it. `json.dumps` emits `NaN`, `Infinity` and `-Infinity`, which strict
//! JSON (and serde_json) rejects; Evidently reports and numpy-derived histograms contain them.

use serde::de::DeserializeOwned;

/// Deserialize Python-flavoured JSON: bare `NaN` becomes `null` and `±Infinity` becomes
/// `±1e308`-scale finite numbers that [`restore_infinity`] maps back.
pub fn from_slice<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, serde_json::Error> {
    match serde_json::from_slice(bytes) {
        Ok(v) => Ok(v),
        Err(first) => {
            let text = String::from_utf8_lossy(bytes);
            let patched = replace_non_finite(&text);
            if patched == text {
                return Err(first);
            }
            serde_json::from_str(&patched)
        }
    }
}

/// The stand-in for infinity in patched text (f64::MAX).
const INFINITY_STANDIN: &str = "1.7976931348623157e308";

/// Map the stand-in back to infinity.
pub fn restore_infinity(v: f64) -> f64 {
    if v == f64::MAX {
        f64::INFINITY
    } else if v == f64::MIN {
        f64::NEG_INFINITY
    } else {
        v
    }
}

/// Replace the bare tokens outside strings.
fn replace_non_finite(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if in_string {
            out.push(c);
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
            rest = &rest[c.len_utf8()..];
            continue;
        }
        let replaced = [
            ("-Infinity", "-1.7976931348623157e308"),
            ("Infinity", INFINITY_STANDIN),
            ("NaN", "null"),
        ]
        .iter()
        .find(|(token, _)| rest.starts_with(token));
        if let Some((token, with)) = replaced {
            out.push_str(with);
            rest = &rest[token.len()..];
            continue;
        }
        if c == '"' {
            in_string = true;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_json_passes_through() {
        let v: serde_json::Value = from_slice(br#"{"a": [1, 2.5]}"#).unwrap();
        assert_eq!(v["a"][1], 2.5);
    }

    #[test]
    fn python_tokens_are_patched_outside_strings() {
        let v: serde_json::Value =
            from_slice(br#"{"x": NaN, "e": [-Infinity, 0, Infinity], "s": "NaN \" Infinity"}"#)
                .unwrap();
        assert!(v["x"].is_null());
        assert_eq!(
            restore_infinity(v["e"][0].as_f64().unwrap()),
            f64::NEG_INFINITY
        );
        assert_eq!(restore_infinity(v["e"][2].as_f64().unwrap()), f64::INFINITY);
        assert_eq!(v["s"], "NaN \" Infinity");
    }

    #[test]
    fn broken_json_still_fails() {
        assert!(from_slice::<serde_json::Value>(b"{nope").is_err());
    }
}
