//! `:inbox`: every pending promotion request, oldest first, with the gate status of its recorded
//! report and whether the request is whole (`! unverified` otherwise: tags anyone could write).

use ratatui::layout::{Constraint, Rect};
use ratatui::text::{Line, Span};
use ratatui::Frame;

use super::format::span;
use super::frame::ScreenFrame;
use super::theme::Theme;
use super::{panel, scrollbar_area, table};
use crate::app::screens::InboxScreen;
use crate::app::State;
use crate::governance::decision::{Signature, Verification};

pub fn draw(frame: &mut Frame, area: Rect, state: &State, i: &InboxScreen, theme: &Theme) {
    let mut title = vec![Span::styled(" Inbox ", theme.title())];
    if let Some(rows) = &i.data.data {
        title.push(Span::styled(
            format!("{} pending, oldest first ", rows.len()),
            theme.muted(),
        ));
    }
    let Some((inner, rows)) = ScreenFrame::new(title).around(
        frame,
        area,
        state,
        theme,
        &i.data,
        ("pending requests", "the pending requests"),
    ) else {
        return;
    };
    if rows.is_empty() {
        panel::empty(
            frame,
            inner,
            "no pending requests",
            "Requests come from `tollgate request` (or p on a version); r re-reads.",
            theme,
        );
        return;
    }
    // A bare `✓` when every request is whole and no signature status is shown.
    let all_verified = rows
        .iter()
        .all(|r| r.verification.is_verified() && r.verification.signature().is_none());
    let any_unapproved = rows
        .iter()
        .any(|r| i.unapproved.marked(&r.model, &r.version));
    let columns = [
        table::Column::new("MODEL", Constraint::Fill(3)),
        table::Column::new("VER", Constraint::Length(4)).right(),
        table::Column::new("TARGET", Constraint::Length(11)),
        table::Column::new("GATE", Constraint::Length(11)),
        table::Column::new("REQUESTER", Constraint::Length(10)),
        table::Column::new("AGE", Constraint::Length(4)).right(),
        // Wide enough for `! unverified` only when a row needs it; a verified row shows `✓`.
        table::Column::new(
            "RECORD",
            Constraint::Length(match (all_verified, any_unapproved) {
                (_, true) => record_width(rows.iter().map(|r| &r.verification)).max(12),
                (true, false) => 6,
                (false, false) => record_width(rows.iter().map(|r| &r.verification)),
            }),
        ),
        table::Column::new("COMMENT", Constraint::Fill(2)),
    ];
    table::List::new(&columns, rows, &i.cursor).draw(
        frame,
        (inner, scrollbar_area(area)),
        theme,
        &|r, w| {
            let (gate_text, gate_style) = gate_status(r.gate.as_deref(), theme);
            let (record_text, record_style) = match record_marker(&r.verification, theme) {
                // The version holds a target (or carries a tag) no verified record backs.
                _ if i.unapproved.marked(&r.model, &r.version) => {
                    (UNAPPROVED_RECORD, theme.error())
                }
                (_, style) if all_verified && !any_unapproved => ("✓", style),
                marker => marker,
            };
            vec![
                Line::from(span(&r.model, w[0] as usize, theme.base())),
                Line::from(span(&r.version, w[1] as usize, theme.base())),
                Line::from(span(&r.target.to_string(), w[2] as usize, theme.accent())),
                Line::from(Span::styled(gate_text, gate_style)),
                Line::from(span(&r.requested_by, w[4] as usize, theme.base())),
                Line::from(Span::styled(age(r.age_minutes), theme.muted())),
                Line::from(Span::styled(record_text, record_style)),
                Line::from(span(
                    r.comment.lines().next().unwrap_or(""),
                    w[7] as usize,
                    theme.muted(),
                )),
            ]
        },
    );
}

/// The RECORD cell of a request whose version has an unapproved change.
const UNAPPROVED_RECORD: &str = "⊘ unapproved";

/// A report's gate status with a text marker, so it reads without colour; `None` is a request
/// with no report matching its recorded digest.
pub fn gate_status(status: Option<&str>, theme: &Theme) -> (String, ratatui::style::Style) {
    match status {
        Some("pass") => ("✓ pass".into(), theme.ok()),
        Some("fail") => ("✗ fail".into(), theme.error()),
        Some("missing") => ("? missing".into(), theme.warn()),
        Some(other) => (super::format::clip(other, 10), theme.base()),
        None => ("? no report".into(), theme.warn()),
    }
}

/// Whether a record is whole, as a marker and a word (`! unverified` reads without colour);
/// when its signature was checked, the signature status (`signed ✓`, `unsigned`, `legacy`,
/// and `BAD SIGNATURE` / `chain broken` in the warning colour).
pub fn record_marker(v: &Verification, theme: &Theme) -> (&'static str, ratatui::style::Style) {
    match (v.signature(), v) {
        (Some(s), _) if s.is_bad() => (s.label(), theme.warn()),
        (_, Verification::Unverified { .. }) => ("! unverified", theme.error()),
        (Some(s @ Signature::Signed { .. }), _) => (s.label(), theme.ok()),
        (Some(s), _) => (s.label(), theme.muted()),
        (None, Verification::Verified { .. }) => ("✓ verified", theme.ok()),
    }
}

/// The RECORD column's width: `BAD SIGNATURE` needs 13 once signatures are shown.
pub fn record_width<'a>(mut records: impl Iterator<Item = &'a Verification>) -> u16 {
    if records.any(|v| v.signature().is_some()) {
        13
    } else {
        12
    }
}

/// `45m`, `7h`, `3d`.
fn age(minutes: i64) -> String {
    let m = minutes.max(0);
    if m < 60 {
        format!("{m}m")
    } else if m < 48 * 60 {
        format!("{}h", m / 60)
    } else {
        format!("{}d", m / (24 * 60))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::governance::decision::Reason;
    use crate::ui::theme::ColorMode;

    fn with(signature: Signature, verified: bool) -> Verification {
        let base = if verified {
            Verification::Verified {
                note: None,
                signature: None,
            }
        } else {
            Verification::Unverified {
                reasons: vec![Reason::NoReportDigest],
                signature: None,
            }
        };
        base.with_signature(signature, false)
    }

    /// Each signature status reads as a word; the bad ones in the warning colour, and a record
    /// unverified for another reason still says so.
    #[test]
    fn signature_statuses_are_words_and_the_bad_ones_warn() {
        let theme = Theme::fallback(ColorMode::TrueColor);
        let signed = Signature::Signed {
            signer: "ana".into(),
            hash: "ab".into(),
        };
        let bad = Signature::BadSignature { why: "x".into() };
        let broken = Signature::ChainBroken { why: "x".into() };
        assert_eq!(
            record_marker(&with(signed.clone(), true), &theme),
            ("signed ✓", theme.ok())
        );
        assert_eq!(
            record_marker(&with(Signature::Legacy, true), &theme),
            ("legacy", theme.muted())
        );
        assert_eq!(
            record_marker(&with(Signature::Unsigned { hash: None }, true), &theme),
            ("unsigned", theme.muted())
        );
        assert_eq!(
            record_marker(&with(bad, true), &theme),
            ("BAD SIGNATURE", theme.warn())
        );
        assert_eq!(
            record_marker(&with(broken, true), &theme),
            ("chain broken", theme.warn())
        );
        assert_eq!(
            record_marker(&with(signed, false), &theme),
            ("! unverified", theme.error())
        );
        assert_eq!(record_width([with(Signature::Legacy, true)].iter()), 13);
    }
}
