//! `interdict`: the command-line shell over the Interdict engines.
//!
//! This binary parses arguments, reads files, prints, and maps errors to exit codes; the work
//! itself is done by the engine crates (`interdict-registry`, …), which know nothing of terminals.

mod cli;
mod cmd;
mod output;

use std::process::ExitCode;

use clap::Parser;

use crate::cli::{Cli, Command};

/// Exit codes, documented in `interdict --help`.
pub mod exit {
    /// Everything ran and every input record was processed.
    pub const OK: u8 = 0;
    /// The run completed, but some input records were invalid (each got an error record).
    pub const PARTIAL: u8 = 1;
    /// Usage error, unreadable input, a failure that stopped the run, or a command not built yet.
    pub const ERROR: u8 = 2;
}

/// mimalloc: the structure engine's toolkit allocates per atom and per bond; with the system
/// allocator a third of classification time went to malloc and free (see BENCHMARKS.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    // Engines run on threads with a stack deep enough for the largest input they accept (see
    // `output::ENGINE_STACK_BYTES`): a 998-atom macrocycle overflowed the default stacks.
    // Under an address-space limit the stacks are sized to fit it (`output::engine_threads`).
    let engines = output::engine_threads();
    if let Err(e) = rayon::ThreadPoolBuilder::new()
        .num_threads(engines.pool)
        .stack_size(engines.stack_bytes)
        .build_global()
    {
        eprintln!(
            "error: cannot start {} engine thread(s) with {} MiB stacks: {e} (is the address-space limit, `ulimit -v`, below what a run needs?)",
            engines.pool,
            engines.stack_bytes >> 20
        );
        return ExitCode::from(exit::ERROR);
    }
    match std::thread::Builder::new()
        .name("interdict".into())
        .stack_size(engines.stack_bytes)
        .spawn(run)
    {
        Ok(handle) => handle.join().unwrap_or(ExitCode::from(exit::ERROR)),
        Err(e) => {
            eprintln!("error: cannot start the main thread: {e}");
            ExitCode::from(exit::ERROR)
        }
    }
}

fn run() -> ExitCode {
    let cli = Cli::parse();
    init_logging(cli.global.verbose, cli.global.quiet, &cli.global.log_format);
    let ctx = output::Context::new(&cli.global);
    let result = match &cli.command {
        Command::Identify(args) => cmd::identify::run(&ctx, args),
        Command::Substances(args) => cmd::substances::run(&ctx, args),
        Command::Lists(cli::ListsCommand::Status) => cmd::lists::status(&ctx),
        Command::Lists(cli::ListsCommand::Import {
            format,
            path,
            name,
            allow_shrink,
        }) => cmd::lists::import(&ctx, format, path, name.as_deref(), *allow_shrink),
        Command::MatchParty(args) => cmd::parties::match_party(&ctx, args),
        Command::CompareNames(args) => cmd::parties::compare_names(&ctx, args),
        Command::Screen(args) => cmd::screen::screen(&ctx, args),
        Command::Alr(c) => {
            cmd::screen::context_import(&ctx, interdict_app::screening::ContextKind::Alr, c)
        }
        Command::Pens(c) => cmd::platform::pens(&ctx, c),
        Command::Keys(cli::KeysCommand::Export) => cmd::platform::export_keys(&ctx),
        Command::Export(cli::ExportCommand::Parquet {
            what,
            dir,
            user,
            recipient,
        }) => cmd::platform::export_parquet(&ctx, what, dir, user, recipient.as_deref()),
        Command::Label(cli::LabelCommand::Verify { label, keys, at }) => {
            cmd::platform::verify_label(&ctx, label, keys, at.as_deref())
        }
        Command::Detect(args) => cmd::detect::run(&ctx, args),
        Command::Alerts(args) => cmd::alerts::run(&ctx, args),
        Command::Classify(args) => cmd::classify::run(&ctx, args),
        Command::Serve(args) => cmd::serve::serve(&ctx, args),
        Command::Admin(c) => cmd::serve::admin(&ctx, c),
        Command::Migrate => cmd::serve::migrate(&ctx),
        Command::Incidents(cli::IncidentsCommand::Import { path, user }) => {
            cmd::platform::import(&ctx, path, user)
        }
        Command::Audit(cli::AuditCommand::Verify { key_file }) => {
            cmd::platform::verify(&ctx, key_file.as_deref())
        }
        Command::Backup { dir } => cmd::platform::backup(&ctx, dir),
        Command::Restore { dir } => cmd::platform::restore(&ctx, dir),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        // The reader went away (`interdict … | head`): stop quietly, as a process killed by
        // SIGPIPE would (status 128 + 13).
        Err(err)
            if err.chain().any(|e| {
                e.downcast_ref::<std::io::Error>()
                    .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
            }) =>
        {
            ExitCode::from(141)
        }
        Err(err) => {
            eprintln!("error: {}", output::terminal(&format!("{err:#}")));
            ExitCode::from(exit::ERROR)
        }
    }
}

fn init_logging(verbose: u8, quiet: bool, format: &str) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    let filter = tracing_subscriber::EnvFilter::try_from_env("INTERDICT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(level));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_target(false);
    if format == "json" {
        builder.json().with_current_span(true).init();
    } else {
        builder.init();
    }
}
