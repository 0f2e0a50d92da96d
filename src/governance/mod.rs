//! Pure governance decisions.
