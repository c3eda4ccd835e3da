//! Write throughput: `cargo run --release -p interdict-parquet --example throughput -- [ROWS] [FILE]`
//! writes ROWS (100,000 by default) incident records as the app stores them through
//! `incidents_table()` and prints rows per second (records built beforehand, not timed).

#[path = "../tests/common/mod.rs"]
mod common;

use std::time::Instant;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let rows: u64 = match args.next() {
        Some(n) => n.parse()?,
        None => 100_000,
    };
    let dir = tempfile::tempdir()?;
    let path = match args.next() {
        Some(p) => std::path::PathBuf::from(p),
        None => dir.path().join("incidents.parquet"),
    };
    let records: Vec<serde_json::Value> = (0..rows).map(common::incident_numbered).collect();
    let out = std::io::BufWriter::new(std::fs::File::create(&path)?);
    let started = Instant::now();
    let report =
        interdict_parquet::write_parquet(&interdict_parquet::incidents_table(), records, out)?;
    let secs = started.elapsed().as_secs_f64();
    println!(
        "{} rows in {} row groups, {} bytes, {:.3} s: {:.0} rows/s ({})",
        report.rows,
        report.row_groups,
        report.bytes,
        secs,
        report.rows as f64 / secs,
        path.display()
    );
    Ok(())
}
