//! The evidence pack behind `tollgate export`: charts (PNG and SVG), a Markdown report and the
//! data they were drawn from, for auditors who will never open the cockpit.

pub mod charts;
pub mod naming;
