//! How precursors move, as the coalition sees it (`shared/spec/platform.md`, "Flows and needs").
//!
//! A pure engine: it takes [`FlowRecord`]s — one per notification (licit trade, with a quantity)
//! or incident (diversion and trafficking: origin, transit, destination) the caller may see,
//! already filtered by the caller's rights — and computes
//! - [`flows`]: the edges (one per origin, destination and transit route) and the nodes (countries
//!   with their map point, kilograms in and out, incidents), in a fixed order;
//! - [`changes`]: corridors that are new, or grew or shrank beyond their history, and
//!   substitutions (a listed substance falling after its control while its unlisted relatives
//!   rise), each with its figures and a sentence.
//!
//! No I/O, no clock (the caller passes `today` as a day number), no storage. Country points come
//! from Natural Earth (see [`centroid`]). Modules: `record` (input and [`Filter`]) ← `graph`
//! (edges and nodes) and `changes` (windows, corridors, substitution); `centroids` is a leaf.

mod centroids;
mod changes;
mod graph;
mod record;

pub use centroids::{all as all_centroids, centroid, Centroid};
pub use changes::{
    changes, ChangeKind, Changes, Controls, CorridorChange, Figures, History, Measure, Period,
    RelativeChange, Relatives, Substitution, ALARM_P, GROWTH_RATIO, HISTORY_WINDOWS,
    MIN_HISTORY_WINDOWS, MIN_WINDOW_RECORDS, SHRINK_MIN_MEAN_RECORDS, SIZE_Z,
    SUBSTITUTION_FALL_RATIO, SUBSTITUTION_MAX_PERIOD_DAYS, SUBSTITUTION_MIN_PERIOD_DAYS,
    SUBSTITUTION_MIN_RECORDS, SUBSTITUTION_RISE_RATIO,
};
pub use graph::{flows, Edge, Flows, Node};
pub use record::{Filter, FlowRecord, Source};
