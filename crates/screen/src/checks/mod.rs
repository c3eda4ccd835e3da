//! One module per check of `Screener::prepare` (and `finish` for the ALR), each returning its
//! typed flags. The checks run in the order the contract's output was always built in:
//! substances and CAS numbers, relatives and classes, HS code, vague description, tableting
//! machines, parties, PENs, route risk; ALR totals last, in input order. Within one severity,
//! flags of one code keep this order, so it is part of the output.

pub(crate) mod alr;
pub(crate) mod analogues;
pub(crate) mod cas;
pub(crate) mod hs;
pub(crate) mod parties;
pub(crate) mod pen;
pub(crate) mod route;
pub(crate) mod substances;
pub(crate) mod tableting;
pub(crate) mod vague;

/// Rounds to three decimals, as scores and quantities are written.
pub(crate) fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}
