//! Non-finite numbers in tollgate's own JSON (`--json`, gate reports, `evidence.json`).
//!
//! serde_json writes NaN, +inf and -inf all as `null`, which hides them and cannot be read back
//! into a number. tollgate writes them as the strings `"NaN"`, `"+Inf"` and `"-Inf"` instead
//! (finite values stay JSON numbers) and reads those back, plus MLflow's spellings (see
//! [`crate::mlflow::non_finite`]). Use on a field: `#[serde(with = "crate::evidence::number")]`
//! (or `serialize_with = "crate::evidence::number::serialize"`) for `f64`, `Option<f64>`,
//! `Vec<f64>`, `(f64, f64)` and maps of them.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::mlflow::non_finite;

/// One number with tollgate's JSON form.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Num(pub f64);

impl Serialize for Num {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        non_finite::serialize(&self.0, s)
    }
}

impl<'de> Deserialize<'de> for Num {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        non_finite::deserialize(d).map(Num)
    }
}

/// A value made of numbers, with its JSON form ([`Num`] in place of every `f64`).
pub trait Numbers: Sized {
    type Json: Serialize + DeserializeOwned;
    fn to_json(&self) -> Self::Json;
    fn from_json(json: Self::Json) -> Self;
}

impl Numbers for f64 {
    type Json = Num;
    fn to_json(&self) -> Num {
        Num(*self)
    }
    fn from_json(json: Num) -> f64 {
        json.0
    }
}

impl<T: Numbers> Numbers for Option<T> {
    type Json = Option<T::Json>;
    fn to_json(&self) -> Self::Json {
        self.as_ref().map(Numbers::to_json)
    }
    fn from_json(json: Self::Json) -> Self {
        json.map(T::from_json)
    }
}

impl<T: Numbers> Numbers for Vec<T> {
    type Json = Vec<T::Json>;
    fn to_json(&self) -> Self::Json {
        self.iter().map(Numbers::to_json).collect()
    }
    fn from_json(json: Self::Json) -> Self {
        json.into_iter().map(T::from_json).collect()
    }
}

impl<A: Numbers, B: Numbers> Numbers for (A, B) {
    type Json = (A::Json, B::Json);
    fn to_json(&self) -> Self::Json {
        (self.0.to_json(), self.1.to_json())
    }
    fn from_json(json: Self::Json) -> Self {
        (A::from_json(json.0), B::from_json(json.1))
    }
}

impl<K, T> Numbers for BTreeMap<K, T>
where
    K: Ord + Clone + Serialize + DeserializeOwned,
    T: Numbers,
{
    type Json = BTreeMap<K, T::Json>;
    fn to_json(&self) -> Self::Json {
        self.iter().map(|(k, v)| (k.clone(), v.to_json())).collect()
    }
    fn from_json(json: Self::Json) -> Self {
        json.into_iter()
            .map(|(k, v)| (k, T::from_json(v)))
            .collect()
    }
}

pub fn serialize<T: Numbers, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
    value.to_json().serialize(s)
}

pub fn deserialize<'de, T: Numbers, D: Deserializer<'de>>(d: D) -> Result<T, D::Error> {
    T::Json::deserialize(d).map(T::from_json)
}

/// A number as text for people: `NaN`, `+Inf`, `-Inf`, else Rust's shortest exact form.
pub fn exact(value: f64) -> String {
    match non_finite::text(value) {
        Some(t) => t.to_string(),
        None => value.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Shapes {
        #[serde(with = "super")]
        one: f64,
        #[serde(with = "super")]
        maybe: Option<f64>,
        #[serde(with = "super")]
        map: BTreeMap<String, f64>,
        #[serde(with = "super")]
        points: Vec<(f64, f64)>,
    }

    #[test]
    fn every_shape_writes_strings_for_non_finite_values_and_reads_them_back() {
        let s = Shapes {
            one: f64::INFINITY,
            maybe: Some(f64::NEG_INFINITY),
            map: BTreeMap::from([("a".into(), f64::NAN), ("b".into(), 0.5)]),
            points: vec![(1.0, f64::NAN), (2.0, 3.0)],
        };
        let json = serde_json::to_string(&s).unwrap();
        assert_eq!(
            json,
            r#"{"one":"+Inf","maybe":"-Inf","map":{"a":"NaN","b":0.5},"points":[[1.0,"NaN"],[2.0,3.0]]}"#
        );
        let back: Shapes = serde_json::from_str(&json).unwrap();
        assert_eq!(back.one, f64::INFINITY);
        assert_eq!(back.maybe, Some(f64::NEG_INFINITY));
        assert!(back.map["a"].is_nan());
        assert!(back.points[0].1.is_nan());
        assert_eq!(exact(f64::NAN), "NaN");
        assert_eq!(exact(f64::NEG_INFINITY), "-Inf");
        assert_eq!(exact(0.85), "0.85");
    }
}
