//! One module per subcommand; each turns arguments into engine calls and engine results into output.

pub mod alerts;
pub mod classify;
pub mod detect;
pub mod identify;
pub mod lists;
pub mod parties;
pub mod platform;
pub mod screen;
pub mod serve;
pub mod substances;
