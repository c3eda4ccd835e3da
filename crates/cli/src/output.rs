//! How results reach the user: readable tables on a terminal, JSON (Lines) otherwise.

use std::io::IsTerminal;
use std::path::PathBuf;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::cli::GlobalArgs;

/// A batch command's input: the file at `path`, or standard input for `-`, with its size in bytes
/// for the progress bar (0 when unknown).
pub fn open_input(path: &std::path::Path) -> anyhow::Result<(Box<dyn std::io::Read>, u64)> {
    use anyhow::Context as _;
    if path.as_os_str() == "-" {
        return Ok((Box::new(std::io::stdin().lock()), 0));
    }
    let file =
        std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?;
    let size = file.metadata().map(|m| m.len()).unwrap_or(0);
    Ok((Box::new(file), size))
}

/// Whether a batch command's input file is empty (no bytes, or only white space in its first
/// 64 KiB and nothing after). Every batch command treats it alike: nothing to do, said once
/// on standard error (unless quiet), exit 0. Standard input (`-`) is never called empty here.
pub fn empty_input(ctx: &Context, path: &std::path::Path) -> bool {
    use std::io::Read as _;
    if path.as_os_str() == "-" {
        return false;
    }
    // Only a regular file can be looked into without consuming it: a pipe or FIFO
    // (`--input <(cmd)`) would lose what was read here.
    if !std::fs::metadata(path).is_ok_and(|m| m.is_file()) {
        return false;
    }
    let Ok(mut file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = vec![0u8; 1 << 16];
    let n = file.read(&mut head).unwrap_or(0);
    let blank = head[..n].iter().all(u8::is_ascii_whitespace);
    let more = file.read(&mut [0u8; 1]).unwrap_or(0) > 0;
    let empty = blank && !more;
    if empty && !ctx.quiet {
        eprintln!("{}: empty file, no records to process", path.display());
    }
    empty
}

/// What every command needs to know about where its output goes.
pub struct Context {
    /// Write JSON (Lines) rather than tables.
    pub json: bool,
    pub quiet: bool,
    pub data_dir: PathBuf,
    /// `--database URL`, when given.
    pub database: Option<String>,
    /// `--audit-key FILE`, when given.
    pub audit_key: Option<PathBuf>,
    stderr_is_terminal: bool,
}

impl Context {
    /// Opens the database: `--database URL` when given, else the data directory's SQLite
    /// database (created on first use). The schema is brought up to date.
    pub fn database(&self) -> anyhow::Result<interdict_app::Database> {
        let location = self.database_location();
        interdict_app::Database::open(&location).map_err(|e| anyhow::anyhow!("{e}"))
    }

    /// Opens the database for a command that only reads: read-only when it exists at the
    /// current schema (so it works on a read-only directory and changes nothing), else as
    /// [`Context::database`] does (created or migrated on first use).
    pub fn database_for_reading(&self) -> anyhow::Result<interdict_app::Database> {
        let location = self.database_location();
        match interdict_app::Database::open_read_only(&location) {
            Ok(db) => Ok(db),
            Err(interdict_app::StoreError::NotMigrated { .. }) => self.database(),
            Err(e) => Err(anyhow::anyhow!("{e}")),
        }
    }

    /// Where the database is, as given or the data directory.
    pub fn database_location(&self) -> String {
        self.database
            .clone()
            .unwrap_or_else(|| self.data_dir.display().to_string())
    }

    /// Where the platform's audit signing key is: `--audit-key`, else `audit.key` in the data
    /// directory, else (PostgreSQL) a file named after the database under the user's config
    /// directory — never inside the database it protects.
    pub fn audit_key_path(&self) -> PathBuf {
        if let Some(p) = &self.audit_key {
            return p.clone();
        }
        match &self.database {
            Some(url) if url.starts_with("postgres://") || url.starts_with("postgresql://") => {
                use sha2::Digest;
                let digest = sha2::Sha256::digest(url.as_bytes());
                let name: String = digest[..8].iter().map(|b| format!("{b:02x}")).collect();
                let base = std::env::var_os("XDG_CONFIG_HOME")
                    .map(PathBuf::from)
                    .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".config")))
                    .unwrap_or_else(|| PathBuf::from("."));
                base.join("interdict").join(format!("audit-{name}.key"))
            }
            Some(dir) => {
                PathBuf::from(dir.strip_prefix("sqlite:").unwrap_or(dir)).join("audit.key")
            }
            None => self.data_dir.join("audit.key"),
        }
    }

    pub fn new(global: &GlobalArgs) -> Context {
        Context {
            json: global.json || !std::io::stdout().is_terminal(),
            quiet: global.quiet,
            data_dir: global.data_dir.clone(),
            database: global.database.clone(),
            audit_key: global.audit_key.clone(),
            stderr_is_terminal: std::io::stderr().is_terminal(),
        }
    }

    /// A progress bar over `total` units (bytes or records) on a terminal; it stays hidden for
    /// work that finishes within a second, and always when output is not a terminal.
    pub fn progress(&self, total: u64, what: &str) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template("{msg} [{bar:40}] {percent}% ({eta})")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        bar.set_message(what.to_string());
        Progress {
            bar,
            started: std::time::Instant::now(),
            can_show: !self.quiet && self.stderr_is_terminal && total > 0,
            shown: std::sync::atomic::AtomicBool::new(false),
        }
    }
}

/// A progress bar that appears only once the work has run for a second.
pub struct Progress {
    bar: ProgressBar,
    started: std::time::Instant,
    can_show: bool,
    shown: std::sync::atomic::AtomicBool,
}

impl Progress {
    fn reveal(&self) {
        use std::sync::atomic::Ordering::Relaxed;
        if self.can_show
            && !self.shown.load(Relaxed)
            && self.started.elapsed() > std::time::Duration::from_secs(1)
        {
            self.shown.store(true, Relaxed);
            self.bar.set_draw_target(ProgressDrawTarget::stderr());
            self.bar
                .enable_steady_tick(std::time::Duration::from_millis(200));
        }
    }

    pub fn inc(&self, n: u64) {
        self.bar.inc(n);
        self.reveal();
    }

    pub fn set_position(&self, n: u64) {
        self.bar.set_position(n);
        self.reveal();
    }

    pub fn finish_and_clear(&self) {
        self.bar.finish_and_clear();
    }
}

/// A plain text table: columns padded to their widest cell, no borders (like `cargo tree`).
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    pub fn new(header: &[&str]) -> Table {
        Table {
            header: header.iter().map(|s| s.to_string()).collect(),
            rows: Vec::new(),
        }
    }

    /// Adds a row; control characters in a cell (CR, ESC, line ends) are written as escapes,
    /// so outside text cannot overwrite or recolour what the table shows.
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(
            cells
                .into_iter()
                .map(|c| match interdict_core::text::escape_controls(&c, false) {
                    std::borrow::Cow::Borrowed(_) => c,
                    std::borrow::Cow::Owned(e) => e,
                })
                .collect(),
        );
    }

    pub fn render(&self) -> String {
        let n = self.header.len();
        let mut widths: Vec<usize> = self.header.iter().map(|h| h.chars().count()).collect();
        for row in &self.rows {
            for (i, cell) in row.iter().enumerate().take(n) {
                widths[i] = widths[i].max(cell.chars().count());
            }
        }
        let mut out = String::new();
        let mut line = |cells: &[String]| {
            let mut s = String::new();
            for (i, cell) in cells.iter().enumerate().take(n) {
                if i + 1 == n {
                    s.push_str(cell);
                } else {
                    s.push_str(cell);
                    s.extend(std::iter::repeat_n(
                        ' ',
                        widths[i] - cell.chars().count() + 2,
                    ));
                }
            }
            out.push_str(s.trim_end());
            out.push('\n');
        };
        line(&self.header);
        for row in &self.rows {
            line(row);
        }
        out
    }
}

/// Text for a terminal: control characters other than line ends written as escapes (see
/// [`interdict_core::text::escape_controls`]). Every message that may carry outside text goes
/// through this (tables do it per cell).
pub fn terminal(text: &str) -> std::borrow::Cow<'_, str> {
    interdict_core::text::escape_controls(text, true)
}

/// The current time as RFC 3339 UTC (`2026-11-28T14:05:09Z`), for import records.
pub fn now_rfc3339() -> String {
    interdict_core::rfc3339(now_secs())
}

/// The system clock in Unix seconds (the CLI's one clock).
pub fn now_secs() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Renders `items` in parallel (rayon, in chunks) and writes the results in input order, so the
/// output is the same whatever the number of threads. `render` appends one item's bytes to a buffer.
/// Items go in windows of a few chunks per thread, each written and flushed before the next is
/// rendered: what is computed is out before a later item could stop the process.
pub fn write_ordered<T: Sync>(
    out: &mut impl std::io::Write,
    items: &[T],
    render: impl Fn(&T, &mut Vec<u8>) + Sync,
) -> std::io::Result<()> {
    use rayon::prelude::*;
    const CHUNK: usize = 32;
    let window = CHUNK * 4 * rayon::current_num_threads().max(1);
    for items in items.chunks(window) {
        let chunks: Vec<Vec<u8>> = items
            .par_chunks(CHUNK)
            .map(|chunk| {
                let mut buf = Vec::with_capacity(chunk.len() * 128);
                for item in chunk {
                    render(item, &mut buf);
                }
                buf
            })
            .collect();
        for c in chunks {
            out.write_all(&c)?;
        }
        out.flush()?;
    }
    Ok(())
}

/// The stack of every thread that runs an engine (the main work and rayon's pool): the
/// chemistry toolkit walks a molecule recursively, as deep as its longest chain, which
/// [`interdict_structure`]'s atom limit bounds; 256 MiB of address space holds that walk for
/// the largest structure accepted, even in a debug build, and costs only what is touched.
pub const ENGINE_STACK_BYTES: usize = 256 << 20;

/// The smallest engine stack started under an address-space limit: a release build walks the
/// largest structure accepted in a few MiB.
pub const MIN_ENGINE_STACK_BYTES: usize = 16 << 20;

/// How many engine threads to start and with what stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EngineThreads {
    /// Threads of the pool (the work itself runs on one more).
    pub pool: usize,
    pub stack_bytes: usize,
}

/// The engine threads for this process: one per core with [`ENGINE_STACK_BYTES`] each, unless
/// an address-space limit (`ulimit -v`, `prlimit --as`) is set. Then a third of the room the
/// limit leaves is shared among the stacks (the rest is for the heap), with fewer threads
/// rather than stacks under [`MIN_ENGINE_STACK_BYTES`]: under `ulimit -v 1500000` the full
/// stacks would not even start, and a run must not fail before reading its first record.
pub fn engine_threads() -> EngineThreads {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    threads_for(cores, address_space_room())
}

fn threads_for(cores: usize, room: Option<usize>) -> EngineThreads {
    let Some(room) = room else {
        return EngineThreads {
            pool: cores,
            stack_bytes: ENGINE_STACK_BYTES,
        };
    };
    let budget = room / 3;
    let mut pool = cores.max(1);
    let mut stack = budget / (pool + 1);
    if stack < MIN_ENGINE_STACK_BYTES && pool > 1 {
        pool = 1;
        stack = budget / 2;
    }
    EngineThreads {
        pool,
        stack_bytes: stack.clamp(MIN_ENGINE_STACK_BYTES, ENGINE_STACK_BYTES),
    }
}

/// Bytes of address space this process may still map under its soft `RLIMIT_AS`, read from
/// `/proc` (Linux); `None` when there is no limit or it cannot be read.
fn address_space_room() -> Option<usize> {
    let limits = std::fs::read_to_string("/proc/self/limits").ok()?;
    let soft = limits
        .lines()
        .find(|l| l.starts_with("Max address space"))?
        .split_whitespace()
        .nth(3)?;
    let limit: usize = soft.parse().ok()?;
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let mapped_kib: usize = status
        .lines()
        .find(|l| l.starts_with("VmSize:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()?;
    Some(limit.saturating_sub(mapped_kib * 1024))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn engine_stacks_fit_an_address_space_limit() {
        let full = threads_for(4, None);
        assert_eq!((full.pool, full.stack_bytes), (4, ENGINE_STACK_BYTES));
        // 900 MiB of room: a third shared by 4 + 1 stacks of 60 MiB.
        let some = threads_for(4, Some(900 << 20));
        assert_eq!((some.pool, some.stack_bytes), (4, 60 << 20));
        // Little room: one pool thread rather than stacks under the minimum.
        let little = threads_for(8, Some(120 << 20));
        assert_eq!((little.pool, little.stack_bytes), (1, 20 << 20));
        assert_eq!(threads_for(2, Some(0)).stack_bytes, MIN_ENGINE_STACK_BYTES);
    }

    #[test]
    fn table_cells_cannot_carry_terminal_controls() {
        let mut t = Table::new(&["ID", "GOODS"]);
        t.row(vec!["D1".into(), "Piperonal\r none 0 \u{1b}[2J".into()]);
        let out = t.render();
        assert!(!out.contains('\r') && !out.contains('\u{1b}'), "{out:?}");
        assert!(out.contains("Piperonal\\r none 0 \\u{1b}[2J"), "{out}");
    }

    #[test]
    fn messages_keep_line_ends_but_escape_the_rest() {
        assert_eq!(terminal("a\nb\u{1b}[31m"), "a\nb\\u{1b}[31m");
    }
}
