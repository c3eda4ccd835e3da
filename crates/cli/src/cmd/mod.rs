//! One module per subcommand; each turns arguments into engine calls and engine results into output.

pub mod alerts;
pub mod detect;
pub mod identify;
pub mod lists;
pub mod parties;
pub mod screen;
pub mod substances;

use crate::exit;

/// The answer of a subcommand whose issue has not landed: say so, exit 2, print nothing else.
pub fn not_built(name: &str, issue: u32) -> anyhow::Result<u8> {
    eprintln!(
        "interdict {name}: not built yet (tracked in issue #{issue}); `interdict {name} --help` shows what it will take"
    );
    Ok(exit::ERROR)
}
