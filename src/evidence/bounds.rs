//! Numeric bounds on one value (`min`, `max`, `abs_max`): shared by fairness bounds on screen
//! and by policy gates, so a bound reads and judges the same in both places.

use serde::{Deserialize, Serialize};

/// Inclusive bounds on a value; an unset side does not constrain.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
pub struct Bounds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
    /// Bound on the magnitude: |value| <= abs_max (for differences whose ideal is 0).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub abs_max: Option<f64>,
}

impl Bounds {
    /// True when no side is set.
    pub fn is_empty(&self) -> bool {
        self.min.is_none() && self.max.is_none() && self.abs_max.is_none()
    }

    /// Whether `value` lies within every set side. A non-finite value (NaN, ±inf) satisfies
    /// nothing, not even empty bounds: +inf is not "at least 0.65", it is no measurement.
    pub fn contains(&self, value: f64) -> bool {
        if !value.is_finite() {
            return false;
        }
        self.min.is_none_or(|m| value >= m)
            && self.max.is_none_or(|m| value <= m)
            && self.abs_max.is_none_or(|m| value.abs() <= m)
    }

    /// The bounds as text for reports: `>= 0.8, <= 1.25`, `|x| <= 0.1`.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if let Some(m) = self.min {
            parts.push(format!(">= {}", m));
        }
        if let Some(m) = self.max {
            parts.push(format!("<= {}", m));
        }
        if let Some(m) = self.abs_max {
            parts.push(format!("|x| <= {}", m));
        }
        parts.join(", ")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_are_inclusive() {
        let b = Bounds {
            min: Some(0.8),
            max: Some(1.25),
            abs_max: None,
        };
        assert!(b.contains(0.8) && b.contains(1.25) && b.contains(1.0));
        assert!(!b.contains(0.79) && !b.contains(1.26));
        assert_eq!(b.describe(), ">= 0.8, <= 1.25");
    }

    #[test]
    fn abs_max_checks_magnitude() {
        let b = Bounds {
            abs_max: Some(0.1),
            ..Bounds::default()
        };
        assert!(b.contains(-0.1) && b.contains(0.05));
        assert!(!b.contains(-0.11));
        assert_eq!(b.describe(), "|x| <= 0.1");
    }

    #[test]
    fn non_finite_values_are_within_no_bound() {
        let sides = [
            Bounds {
                min: Some(0.65),
                ..Bounds::default()
            },
            Bounds {
                max: Some(100.0),
                ..Bounds::default()
            },
            Bounds {
                abs_max: Some(0.1),
                ..Bounds::default()
            },
            Bounds {
                min: Some(0.8),
                max: Some(1.25),
                abs_max: None,
            },
            Bounds::default(),
        ];
        for b in sides {
            for v in [f64::NAN, f64::INFINITY, f64::NEG_INFINITY] {
                assert!(!b.contains(v), "{v} within {}", b.describe());
            }
        }
    }

    #[test]
    fn nan_fails_and_empty_accepts() {
        assert!(!Bounds::default().contains(f64::NAN));
        assert!(Bounds::default().contains(123.0));
        assert!(Bounds::default().is_empty());
    }
}
