//! `interdict alerts`: aberration and first-detection alerts from incident records.

use std::io::{self, BufWriter, Write};

use anyhow::{Context as _, Result};
use interdict_core::Date;
use interdict_ews::{Method, Overrides};
use interdict_registry::Registry;
use interdict_resolve::Resolver;
use interdict_types::AlertWire;

use crate::cli::AlertsArgs;
use crate::exit;
use crate::output::Context;

pub fn run(ctx: &Context, args: &AlertsArgs) -> Result<u8> {
    let method: Method = args
        .method
        .parse()
        .map_err(|e| anyhow::anyhow!("--method: {e}"))?;
    // Farrington runs with Noufaily's settings (the app's preset); --alpha is the EARS
    // significance level only.
    let detector = interdict_app::detect::detector(
        method,
        Some(interdict_app::detect::Preset::Noufaily),
        &Overrides {
            baseline: Some(args.baseline),
            min_sigma: Some(args.min_sigma),
            alpha: args.alpha.filter(|_| method.ears().is_some()),
            k: Some(args.k),
            h: Some(args.h),
            ..Overrides::default()
        },
    )?;
    let since = args
        .since
        .as_deref()
        .map(Date::parse)
        .transpose()
        .map_err(|e| anyhow::anyhow!("--since: {e}"))?;

    if crate::output::empty_input(ctx, &args.incidents) {
        return Ok(exit::OK);
    }
    let resolver = Resolver::new(Registry::builtin());
    let file = std::fs::File::open(&args.incidents)
        .with_context(|| format!("cannot open {}", args.incidents.display()))?;
    let (incidents, problems) = interdict_app::alerts::read_incidents(&resolver, file)
        .map_err(|e| anyhow::anyhow!("{}, {e}", args.incidents.display()))?;
    for p in &problems {
        eprintln!(
            "{}",
            crate::output::terminal(&format!("{}, {p}", args.incidents.display()))
        );
    }
    let bad = problems.len() as u64;
    let found = interdict_app::alerts::run(&incidents, &detector, since)?;
    let mut out = BufWriter::new(io::stdout().lock());
    for (rank, a) in found.iter().enumerate() {
        serde_json::to_writer(&mut out, &AlertWire::new(rank + 1, a))?;
        out.write_all(b"\n")?;
    }
    out.flush()?;
    if !ctx.quiet {
        eprintln!(
            "{} incidents, {} alerts; {} records could not be read",
            incidents.len(),
            found.len(),
            bad
        );
    }
    Ok(if bad > 0 { exit::PARTIAL } else { exit::OK })
}
