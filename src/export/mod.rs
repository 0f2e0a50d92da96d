//! The evidence pack behind `tollgate export`: charts (PNG and SVG), a Markdown report and the
//! data they were drawn from, for auditors who will never open the cockpit. The pack is a pure
//! function of the gathered data ([`gather::PackData`], also written as `evidence.json`), so the
//! same registry state always gives byte-identical files.

pub mod attest;
pub mod charts;
pub mod gather;
pub mod naming;
pub mod pack;
pub mod report;

pub use gather::{gather, PackData};
pub use pack::{write_pack, ExportError, WrittenFile};
