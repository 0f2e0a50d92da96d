//! Pure interpretation of the evidence an approver reads: metric curves (downsampling), drift,
//! Evidently reports, alibi-detect output, fairness and lineage. Data in, results out: no network, no terminal.

pub mod alibi;
pub mod bounds;
pub mod downsample;
pub mod drift;
pub mod evidently;
pub mod fairness;
pub mod lenient_json;
pub mod lineage;
pub mod number;
