//! The command line: every subcommand and option, with the help text users learn from.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

const AFTER_HELP: &str = "\
Output:
  On a terminal, results are readable tables. When standard output is a pipe or a file, or with
  --json, results are JSON Lines (one JSON object per input, in input order).

Exit status:
  0  everything ran and every input record was processed
  1  the run completed but some input records were invalid (each has an error record in its place)
  2  usage error, unreadable input, a failure that stopped the run, or a command not built yet

Examples:
  interdict identify \"N-Phenethyl-4-piperidone 99%, 25 kg drum\"
  interdict identify --input goods.txt > matches.jsonl
  interdict substances show npp
  interdict screen examples/declarations.csv";

/// Interdict: identify controlled drugs and precursors, screen parties and declarations, share and
/// warn early.
#[derive(Parser, Debug)]
#[command(name = "interdict", version, about, long_about = None, after_help = AFTER_HELP)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Args, Debug, Clone)]
pub struct GlobalArgs {
    /// Directory holding Interdict's database (imported lists, ALRs, PENs); created on first use.
    #[arg(
        long,
        global = true,
        env = "INTERDICT_DATA",
        default_value = "./interdict-data",
        value_name = "DIR"
    )]
    pub data_dir: PathBuf,
    /// The database: `postgres://user@host/db` for a shared deployment; default: the SQLite
    /// database in --data-dir.
    #[arg(long, global = true, env = "INTERDICT_DATABASE", value_name = "URL")]
    pub database: Option<String>,
    /// The platform's audit signing key (created by `admin init`, kept out of the database).
    /// Default: `audit.key` in --data-dir; with a PostgreSQL --database,
    /// `$XDG_CONFIG_HOME/interdict/audit-<digest of the URL>.key` (or under `~/.config`).
    #[arg(long, global = true, env = "INTERDICT_AUDIT_KEY", value_name = "FILE")]
    pub audit_key: Option<PathBuf>,
    /// Log format on standard error: `text` or `json` (one JSON object a line, with the request id).
    #[arg(long, global = true, default_value = "text", value_parser = ["text", "json"])]
    pub log_format: String,
    /// Write JSON (Lines) even on a terminal.
    #[arg(long, global = true)]
    pub json: bool,
    /// Print only errors on standard error.
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,
    /// More logging on standard error (-v info, -vv debug, -vvv trace).
    #[arg(short, long, global = true, action = clap::ArgAction::Count)]
    pub verbose: u8,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Serve the coalition platform: the JSON API (and the web UI) over the database.
    #[command(after_help = "\
The server is one process; several can serve one PostgreSQL database behind a load balancer
(--database postgres://…). It stops on SIGTERM or SIGINT after finishing requests in flight.
Operations: GET /healthz, /readyz, /metrics; the API contract at GET /api/openapi.json.

Examples:
  interdict serve --demo                      # a demo coalition on a fresh data directory
  interdict admin init --email admin@secretariat.example && interdict serve
  interdict serve --database postgres://interdict@db.internal/interdict --listen 0.0.0.0:8080")]
    Serve(ServeArgs),
    /// Bootstrap and administer a coalition without the API: organisations, users, tokens.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Bring the database's schema up to date (also done at start-up of every command).
    Migrate,
    /// Incidents shared on the platform: bulk import.
    #[command(subcommand)]
    Incidents(IncidentsCommand),
    /// The tamper-evident audit log.
    #[command(subcommand)]
    Audit(AuditCommand),
    /// Back up the database into DIR while it is being served (SQLite: online backup, one
    /// consistent snapshot; PostgreSQL: prints the pg_dump command to use and exits 2).
    #[command(after_help = "\
The backup holds the database file only: the audit signing key is kept out of it (keep the key
file safe on its own). Restore with `interdict restore DIR --data-dir NEW`.

Exit status: 0 written, 2 on an error (DIR holds a backup already, a PostgreSQL database).

Examples:
  interdict backup /backups/interdict-2026-12-02
  interdict --data-dir /srv/interdict backup /backups/today")]
    Backup {
        /// The directory to write the backup into (created; must not hold a backup already).
        dir: PathBuf,
    },
    /// Restore a backup made by `interdict backup` into an empty data directory (--data-dir).
    #[command(after_help = "\
The data directory must hold no database yet. The restored database is checked (SQLite
integrity check) and migrated to this build's schema. Check it with `interdict audit verify`.

Examples:
  interdict --data-dir /srv/interdict-restored restore /backups/interdict-2026-12-02")]
    Restore {
        /// The backup directory (holding interdict.sqlite3).
        dir: PathBuf,
    },
    /// Identify controlled substances in goods descriptions (names, synonyms, CAS numbers, typos).
    #[command(after_help = "\
Each match says which substance, under which control lists, how sure (score in [0,1]) and what
matched: `cas` (a valid CAS number in the text), `name` (the preferred name), `synonym` (any other
name, abbreviation, CAS index name) or `fuzzy` (a close spelling). Nothing at or above the threshold
means no controlled substance was identified.

Examples:
  interdict identify \"4-piperidinone, 1-(2-phenylethyl)-\"
  interdict identify --json \"new BMK powder CAS 80532-66-7\"
  interdict identify --input descriptions.txt > identified.jsonl")]
    Identify(IdentifyArgs),
    /// Browse the built-in registry of controlled drugs and precursors.
    #[command(subcommand)]
    Substances(SubstancesCommand),
    /// Classify a structure (SMILES, .smi, .sdf): listed substance, class-wide definitions, analogues.
    Classify(ClassifyArgs),
    /// Manage watchlists: import OFAC SDN, UN XML, OpenSanctions FtM or CSV lists; show what is loaded.
    #[command(subcommand)]
    Lists(ListsCommand),
    /// Screen a party name against the loaded watchlists.
    MatchParty(MatchPartyArgs),
    /// Score pairs of names with the party-matching engine.
    CompareNames(CompareNamesArgs),
    /// Annual legitimate requirements (ALR) for precursors, per importing country and year.
    #[command(subcommand)]
    Alr(ImportCommand),
    /// Pre-export notifications filed outside the platform: import a PEN CSV into the
    /// platform's notifications (screening checks `pen_reference` against them), or count them.
    #[command(subcommand)]
    Pens(ImportCommand),
    /// The competent authorities' label keys: export the public keys for offline label checks.
    #[command(subcommand)]
    Keys(KeysCommand),
    /// Shipment labels: verify a label offline against exported keys.
    #[command(subcommand)]
    Label(LabelCommand),
    /// Export for analysis at scale: Apache Parquet files readable by DuckDB, Spark or Trino.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Screen declarations (CSV or JSON Lines) into an explained risk assessment per line.
    Screen(ScreenArgs),
    /// Run an aberration-detection method on one time series (EARS, Farrington, CUSUM, GLR).
    Detect(Box<DetectArgs>),
    /// Build weekly series from incident records and emit aberration and first-detection alerts.
    Alerts(AlertsArgs),
}

#[derive(Args, Debug)]
pub struct IdentifyArgs {
    /// The goods description to identify.
    #[arg(required_unless_present = "input", conflicts_with = "input")]
    pub text: Option<String>,
    /// Read one description per line from FILE (`-` for standard input); write JSON Lines in input order.
    #[arg(long, short, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Report candidates scoring at least this (0 to 1).
    #[arg(long, default_value_t = interdict_registry::DEFAULT_THRESHOLD, value_parser = parse_unit)]
    pub threshold: f32,
}

#[derive(Subcommand, Debug)]
pub enum SubstancesCommand {
    /// List every substance in the registry.
    List {
        /// Only substances on this control list (e.g. UN-1988-TABLE-I, US-DEA-LIST-I).
        #[arg(long, value_name = "LIST")]
        list: Option<String>,
    },
    /// Show everything the registry holds about one substance (by id or CAS number).
    Show {
        /// Registry id (e.g. `npp`) or CAS number (e.g. `39742-60-4`).
        id: String,
    },
    /// Search the registry by name, synonym or CAS number.
    Search {
        /// Text to search for.
        text: String,
    },
    /// List the control lists the registry knows, with their legal instruments.
    Lists,
}

#[derive(Args, Debug)]
#[command(after_long_help = "\
Each structure is standardised (largest organic fragment, neutralised), then:
  listed      exact lookup in the registry (canonical SMILES, stereo-free skeleton, InChIKey);
              a stereoisomer (or isotopologue) counts when the listing covers isomers
              or names no stereo
  classes     class-wide legal definitions, with the clauses that apply and the atoms that
              satisfy them: us-frs (21 U.S.C. 812(c) Sch. I(e), HALT Fentanyl Act 2025;
              clauses A-E of (e)(2), and 1 when the input is a salt, isomer or mixture of
              such a substance, as (e)(1) provides), cn-fentanyl-2019 (China, 1 May 2019,
              conditions 1-4 of the Chinese text), uk-nitazene-2025 (SI 2024/1361, clauses
              (i)-(ii); later clauses were not retrieved, so structures needing them are
              reported under not_covered, never as inside)
  not_covered definitions whose parent skeleton is present but whose text excludes the
              structure, and why (e.g. benzyl in place of phenethyl); 'undecided' when the
              text cannot decide it (clauses not retrieved, such as the esters and ethers
              of the 2018 US temporary order; or China's list of piperidine groups ending
              in 等, 'and other such')
  similar     nearest listed structures by Morgan fingerprint (radius 2, 2048 bits) Tanimoto
  designer_precursor_of
              listed substances one or two backwards steps away: ester hydrolysis, removal of
              Boc/Cbz/Fmoc/acetyl/trifluoroacetyl/formyl/benzyl from nitrogen, acid halide
              hydrolysis, alcohol oxidation

Examples:
  interdict classify 'O=C(c1ccco1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1'
  interdict classify --json 'CCOc1ccc(Cc2nc3ccccc3n2CCN2CCCC2)cc1'
  interdict classify --input seized.sdf > results.jsonl

With --input, output is JSON Lines in input order; a structure that cannot be read becomes
{\"input\", \"line\", \"error\": {\"code\", \"message\"}} in its place and the run goes on
(exit 1 at the end).")]
pub struct ClassifyArgs {
    /// A SMILES string.
    #[arg(conflicts_with = "input", required_unless_present = "input")]
    pub smiles: Option<String>,
    /// A `.smi` file (SMILES, optional name after whitespace) or `.sdf`/`.mol` file (V2000 or
    /// V3000); `-` reads SMILES lines from standard input. Writes JSON Lines in input order.
    #[arg(long, short, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// How many similar controlled substances to report.
    #[arg(long, default_value_t = 3)]
    pub top: usize,
    /// Report similar substances only at or above this Tanimoto similarity (0 to 1).
    #[arg(long, default_value_t = 0.3, value_parser = parse_unit_f64)]
    pub min_similarity: f64,
    /// When to compute the InChIKey, the slowest step (lookup does not need it): `always`,
    /// `hits` (listed, class, near miss, designer precursor, or ≥ 0.5 similar; null otherwise) or
    /// `never`. Default: `always` for one SMILES, `hits` with --input.
    #[arg(long, value_enum)]
    pub inchikey: Option<InchikeyArg>,
}

#[derive(Subcommand, Debug)]
pub enum ListsCommand {
    /// Import a watchlist as a new versioned snapshot (replaces the list of the same name atomically).
    Import {
        /// File format.
        #[arg(long, value_parser = ["ofac-sdn", "un-xml", "ftm", "csv"])]
        format: String,
        /// The list file (for ofac-sdn, sdn.csv; alt.csv and add.csv beside it are read too).
        path: PathBuf,
        /// Name of the list (default: from the format).
        #[arg(long)]
        name: Option<String>,
        /// Replace the loaded snapshot even when the file yields no entries or fewer than
        /// half as many as it has (without this, such an import is refused: an empty file, an
        /// HTML error page or a truncated download would leave screening finding nothing).
        #[arg(long)]
        allow_shrink: bool,
    },
    /// Show the loaded lists: source, date, checksum, counts.
    Status,
}

#[derive(Args, Debug)]
pub struct MatchPartyArgs {
    /// The party name.
    #[arg(conflicts_with = "input")]
    pub name: Option<String>,
    /// ISO 3166-1 alpha-2 country of the party, used as a qualifier.
    #[arg(long)]
    pub country: Option<String>,
    /// CSV with columns `name` and optional `country`; writes JSON Lines in input order.
    #[arg(long, short, value_name = "FILE")]
    pub input: Option<PathBuf>,
    /// Report matches scoring at least this.
    #[arg(long)]
    pub threshold: Option<f32>,
    /// At most this many matches per query.
    #[arg(long, default_value_t = interdict_app::parties::DEFAULT_LIMIT)]
    pub limit: usize,
}

#[derive(Args, Debug)]
pub struct CompareNamesArgs {
    /// CSV with columns `name1`, `name2` and optional `schema`.
    #[arg(long, short, value_name = "FILE")]
    pub input: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum ImportCommand {
    /// Import records from a CSV file, replacing the previous set atomically.
    ///
    /// ALR columns: country, cas, year, quantity_kg.
    /// PEN columns: reference, date, exporter_country, importer_country, exporter_name,
    /// importer_name, cas, quantity_kg, status (pending, no_objection, objection, withdrawn),
    /// valid_until.
    Import {
        /// The CSV file. A file without rows, or duplicate keys (country, cas, year for an
        /// ALR; reference for a PEN), are refused naming the lines.
        file: PathBuf,
        /// Replace the loaded set even when the file has fewer than half as many records.
        #[arg(long)]
        allow_shrink: bool,
    },
    /// Show what is loaded.
    Status,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Each declaration gets a risk score (0-100), a level (none, low, medium, high, critical) and flags
with evidence: CONTROLLED_PRECURSOR, CONTROLLED_DRUG, CLASS_ANALOG, DESIGNER_PRECURSOR, HS_MISMATCH,
CAS_INVALID, CAS_NAME_CONFLICT, VAGUE_DESCRIPTION, WATCHLIST_PARTY, ALR_EXCEEDED, NO_PEN,
TABLETING_MACHINE, ROUTE_RISK. The format is shared/spec/declarations.md.

Context comes from the data directory (`interdict lists import`, `alr import`, `pens import`) and,
for this run only, from --watchlist, --alr, --pens, --route-risk.

Examples:
  interdict screen examples/declarations.csv --watchlist examples/watchlist.csv \\
      --alr examples/alr.csv --pens examples/pens.csv --route-risk examples/route_risk.csv
  interdict screen day.jsonl --out results.jsonl --record")]
pub struct ScreenArgs {
    /// Declarations: CSV or JSON Lines (by extension, else sniffed); `-` for standard input.
    pub file: PathBuf,
    /// Write JSON Lines results here instead of standard output.
    #[arg(long, value_name = "FILE")]
    pub out: Option<PathBuf>,
    /// Add a watchlist for this run only (coalition CSV; .xml is read as UN XML, .json/.jsonl as FtM).
    #[arg(long, value_name = "PATH")]
    pub watchlist: Vec<PathBuf>,
    /// Add annual legitimate requirements for this run only (CSV: country, cas, year, quantity_kg).
    #[arg(long, value_name = "FILE")]
    pub alr: Option<PathBuf>,
    /// Add pre-export notifications for this run only (CSV, see `interdict pens import --help`).
    #[arg(long, value_name = "FILE")]
    pub pens: Option<PathBuf>,
    /// High-risk countries and ports per substance class (CSV: class, kind, code, reason).
    #[arg(long, value_name = "FILE")]
    pub route_risk: Option<PathBuf>,
    /// Override flag weights (CSV: code, weight).
    #[arg(long, value_name = "FILE")]
    pub weights: Option<PathBuf>,
    /// Importing countries that require a PEN for Table II exports too (comma-separated ISO codes).
    #[arg(long, value_name = "CC,CC", value_delimiter = ',')]
    pub pen_table_ii: Vec<String>,
    /// Record the screened imports in the data directory, so later runs count them towards ALRs.
    #[arg(long)]
    pub record: bool,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Reproduces R surveillance 1.20.3: same alarms, same upper bounds. Built: ears-c1, ears-c2, ears-c3
(earsC), farrington (farringtonFlexible, Farrington and Noufaily settings; a `date` column makes the
reference weeks calendar years back), cusum (standard, anscombe, anscombe2nd, rossi, pearsonNegBin,
none) and glr-pois (glrnb with alpha 0: GLR, or LR with --theta; restarts after an alarm; the
upper bound column is the statistic) and glr-nb (negative binomial; without --alpha, alpha is
estimated as the package does, with MASS::glm.nb on the weeks before the range).

With a `series` column the file holds many series; they are processed in parallel and the output
gains a leading `series` column.

Output (standard output): CSV `t,observed,upperbound,alarm` for the monitored points, NA where the
package gives NA, also when standard output is a pipe or a file. With --json: JSON Lines
{\"t\", \"observed\", \"upperbound\", \"alarm\"} (and \"series\" first for a file of many series),
null where the CSV has NA, alarm true or false.

Examples:
  interdict detect --method ears-c3 --input weekly.csv --min-sigma 0.5
  interdict detect --method farrington --input weekly.csv --no-periods 10 --past-weeks-not-included 26 \\
      --threshold-method nbPlugin --p-threshold-trend 1
  interdict detect --method cusum --input weekly.csv --range 105..312 --k 1.04 --h 2.26 --trans rossi")]
pub struct DetectArgs {
    /// Method: ears-c1, ears-c2, ears-c3, farrington, cusum, glr-pois, glr-nb.
    #[arg(long)]
    pub method: String,
    /// CSV with columns `t` (1-based index), optional `date` (YYYY-MM-DD) and `observed`.
    #[arg(long, short, value_name = "FILE")]
    pub input: PathBuf,
    /// 1-based inclusive span to monitor, `A..B` (default: all monitorable points).
    #[arg(long, value_name = "A..B")]
    pub range: Option<String>,
    /// EARS: baseline window length (default 7).
    #[arg(long)]
    pub baseline: Option<usize>,
    /// EARS: significance level (default 0.001 for C1/C2, 0.025 for C3); GLR: overdispersion.
    #[arg(long)]
    pub alpha: Option<f64>,
    /// EARS: lower limit of the standard deviation (default 0).
    #[arg(long)]
    pub min_sigma: Option<f64>,
    /// CUSUM: reference value (default 1.04).
    #[arg(long)]
    pub k: Option<f64>,
    /// CUSUM: decision boundary (default 2.26).
    #[arg(long)]
    pub h: Option<f64>,
    /// CUSUM: expected count (default: mean of the points before the range).
    #[arg(long)]
    pub m: Option<f64>,
    /// CUSUM: standardisation: standard, anscombe, anscombe2nd, rossi, pearsonNegBin, none.
    #[arg(long)]
    pub trans: Option<String>,
    /// Farrington: years back (default 5).
    #[arg(long)]
    pub b: Option<usize>,
    /// Farrington: half-window in weeks (default 3).
    #[arg(long)]
    pub w: Option<usize>,
    /// Farrington: reweight outlying baseline weeks (true/false, default true).
    #[arg(long)]
    pub reweight: Option<bool>,
    /// Farrington: Anscombe residual above which a week is down-weighted (default 2.58).
    #[arg(long)]
    pub weights_threshold: Option<f64>,
    /// Farrington: p-value below which the time trend is kept (default 0.05).
    #[arg(long)]
    pub p_threshold_trend: Option<f64>,
    /// Farrington: fit no time trend at all.
    #[arg(long)]
    pub no_trend: bool,
    /// Farrington: `C,P` — alarms need at least C cases in the last P weeks (default 5,4).
    #[arg(long, value_name = "C,P")]
    pub limit54: Option<String>,
    /// Farrington: number of seasonal periods (Noufaily: 10; default 1; at most 52).
    #[arg(long)]
    pub no_periods: Option<usize>,
    /// Farrington: most recent weeks left out of the baseline (default w; Noufaily: 26).
    #[arg(long)]
    pub past_weeks_not_included: Option<usize>,
    /// Farrington: threshold method delta, nbPlugin or muan (default delta).
    #[arg(long)]
    pub threshold_method: Option<String>,
    /// Farrington: power transformation 2/3, 1/2 or none (default 2/3).
    #[arg(long)]
    pub powertrans: Option<String>,
    /// GLR: in-control ARL threshold c.ARL.
    #[arg(long)]
    pub c_arl: Option<f64>,
    /// GLR: fixed change size (likelihood-ratio instead of generalized likelihood-ratio).
    #[arg(long)]
    pub theta: Option<f64>,
    /// GLR: in-control mean.
    #[arg(long)]
    pub mu0: Option<f64>,
}

#[derive(Args, Debug)]
#[command(after_help = "\
Incidents (seizures, overdoses, drug-checking results) are counted per ISO week, per substance and
per class (fentanyl-analogue, nitazene, …), in each country and coalition-wide (region ALL). The
detector runs over every series; a rise that lasts several weeks is one alert. A substance or class
seen for the first time in a region (from --since on) is a first detection. The substance column
may hold a CAS number, a name the registry identifies, or any other name or SMILES (kept as is).

Output: JSON Lines, most urgent first: {\"rank\", \"kind\", \"substance\", \"region\", \"week\",
\"observed\", \"expected\", \"upperbound\", \"method\", \"explanation\"}.")]
pub struct AlertsArgs {
    /// Incident records (CSV: id, date, country, substance, type, quantity).
    #[arg(long, value_name = "FILE")]
    pub incidents: PathBuf,
    /// Detector: ears-c1, ears-c2, ears-c3, cusum, farrington (Noufaily settings, needs a year of
    /// history per series), glr-pois or glr-nb.
    #[arg(long, default_value = "ears-c2")]
    pub method: String,
    /// Report from this date on (YYYY-MM-DD); earlier weeks are history. Default: the last 12 weeks.
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// EARS baseline weeks.
    #[arg(long, default_value_t = 7)]
    pub baseline: usize,
    /// EARS lower limit of the standard deviation (sparse counts need one).
    #[arg(long, default_value_t = 0.5)]
    pub min_sigma: f64,
    /// EARS significance level.
    #[arg(long)]
    pub alpha: Option<f64>,
    /// CUSUM reference value.
    #[arg(long, default_value_t = 1.04)]
    pub k: f64,
    /// CUSUM decision boundary.
    #[arg(long, default_value_t = 2.26)]
    pub h: f64,
}

#[derive(clap::ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum InchikeyArg {
    Always,
    Hits,
    Never,
}

fn parse_unit(s: &str) -> Result<f32, String> {
    parse_unit_f64(s).map(|v| v as f32)
}

fn parse_unit_f64(s: &str) -> Result<f64, String> {
    let v: f64 = s.parse().map_err(|_| format!("`{s}` is not a number"))?;
    if (0.0..=1.0).contains(&v) {
        Ok(v)
    } else {
        Err(format!("{v} is outside 0..=1"))
    }
}

#[derive(Args, Debug)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub listen: std::net::SocketAddr,
    /// Seed a demo coalition (countries, authorities, users of every role, the example lists)
    /// when the database is empty, and print how to sign in.
    #[arg(long)]
    pub demo: bool,
    /// Shift the server's clock by this many days (training and deadline tests).
    #[arg(long, default_value_t = 0, allow_hyphen_values = true)]
    pub clock_offset: i64,
    /// Send the session cookie without `Secure` (plain-HTTP development on another host than
    /// localhost only).
    #[arg(long)]
    pub insecure_cookies: bool,
    /// Let alert webhooks reach loopback, private and link-local addresses (refused by
    /// default, also after DNS resolution, so a subscription cannot probe the internal network).
    #[arg(long)]
    pub allow_private_webhooks: bool,
}

#[derive(Subcommand, Debug)]
pub enum AdminCommand {
    /// Create the secretariat and its first admin, and print the admin's API token (once).
    Init {
        /// The secretariat's name.
        #[arg(long, default_value = "Coalition Secretariat")]
        name: String,
        /// The first admin's email.
        #[arg(long)]
        email: String,
    },
    /// Organisations.
    #[command(subcommand)]
    Org(OrgCommand),
    /// Users.
    #[command(subcommand)]
    User(UserCommand),
    /// API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
}

#[derive(Subcommand, Debug)]
pub enum OrgCommand {
    /// Add an organisation.
    Add {
        #[arg(long)]
        name: String,
        /// ISO 3166-1 alpha-2 (not for the secretariat).
        #[arg(long)]
        country: Option<String>,
        /// competent_authority, customs, police, forensic_lab, health or secretariat.
        #[arg(long)]
        kind: String,
    },
    /// List the organisations.
    List,
}

#[derive(Subcommand, Debug)]
pub enum UserCommand {
    /// Add a user to an organisation.
    Add {
        /// The organisation's id (`interdict admin org list`).
        #[arg(long)]
        org: String,
        #[arg(long)]
        email: String,
        /// viewer, analyst, officer or admin.
        #[arg(long)]
        role: String,
        /// Read a password (at least 12 characters) from standard input; without it the user
        /// signs in with tokens only.
        #[arg(long)]
        password_stdin: bool,
    },
}

#[derive(Subcommand, Debug)]
pub enum TokenCommand {
    /// Create an API token for a user and print it (shown once, stored only as a hash).
    Create {
        /// The user's email.
        #[arg(long)]
        user: String,
        #[arg(long, default_value = "cli")]
        label: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum IncidentsCommand {
    /// Import incidents for a user's organisation: CSV (the columns of `interdict alerts
    /// --incidents` — `id` is your own reference — plus any field of the API's create body, lists
    /// separated by `;`) or JSON Lines of the create body. One result or error record per line, in
    /// order; the good lines are stored in one transaction; importing the same file again finds
    /// what the first import made.
    #[command(after_help = "\
Examples:
  interdict incidents import seizures.csv --user officer@customs.mx
  interdict incidents import --json incidents.jsonl --user officer@customs.mx > results.jsonl")]
    Import {
        /// The file (`-` for standard input); `.jsonl`/`.ndjson` is JSON Lines, anything else CSV.
        path: PathBuf,
        /// The reporting user (an officer or admin): the incidents are their organisation's.
        #[arg(long)]
        user: String,
    },
}

#[derive(Subcommand, Debug)]
pub enum AuditCommand {
    /// Recompute the audit log's tree from the stored entries, check every signed checkpoint,
    /// and check that every incident and attachment still hashes to its last entry. Names the
    /// first entry, checkpoint or record that does not, and exits 1.
    #[command(after_help = "\
Exit status: 0 when everything checks, 1 when something does not (named), 2 on an error.

Examples:
  interdict audit verify
  interdict audit verify --database postgres://interdict@db.internal/interdict --key-file audit.key")]
    Verify {
        /// Check the checkpoints against the public key of this key file (default: --audit-key);
        /// without one, against the key published in the database.
        #[arg(long, value_name = "FILE")]
        key_file: Option<PathBuf>,
    },
}

#[derive(Subcommand, Debug)]
pub enum KeysCommand {
    /// Print every published label key as JSON (`{"keys": [...]}`, public keys only): the file
    /// port officers carry for `interdict label verify --keys`.
    #[command(after_help = "\
Examples:
  interdict keys export > keys.json
  interdict keys export --database postgres://interdict@db.internal/interdict > keys.json")]
    Export,
}

#[derive(Subcommand, Debug)]
pub enum LabelCommand {
    /// Verify a shipment label with no network and no database: the Ed25519 signature under a
    /// known, unrevoked key of the exporting country's authority, and the label's validity.
    #[command(after_help = "\
Prints {\"valid\", \"reason\", \"problem\", \"payload\"} as JSON. A label whose notification was
stopped or withdrawn after it was issued can only be known online (POST /api/v1/labels/verify).

Exit status: 0 when the label is valid, 1 when it is not (the reason says why), 2 on an error
(the key file cannot be read).

Examples:
  interdict label verify 'ITD1.eyJ…' --keys keys.json
  zbarimg -q --raw label.png | interdict label verify - --keys keys.json")]
    Verify {
        /// The label text (`ITD1.…`), a file holding it, or `-` for standard input.
        label: String,
        /// The exported keys (`interdict keys export`).
        #[arg(long, value_name = "FILE")]
        keys: PathBuf,
        /// Check as of this time (RFC 3339 UTC) instead of now.
        #[arg(long, value_name = "TIME")]
        at: Option<String>,
    },
}

#[derive(Subcommand, Debug)]
pub enum ExportCommand {
    /// Write what a user may export as Parquet (`DIR/<what>.parquet`, Snappy-compressed, row
    /// groups of 64k rows): incidents under the TLP rules (a record the recipient may not read
    /// leaves only at TLP:CLEAR or TLP:GREEN, its personal data only where the recipient may
    /// see it), the notifications the user's authority sees, or the flow edges.
    #[command(after_help = "\
The file is written under a temporary name and renamed when complete. Exit status: 0 written,
2 on an error (the user may not export, the directory cannot be written).

Examples:
  interdict export parquet --what incidents out/ --user analyst@customs.mx
  interdict export parquet --what incidents out/ --user analyst@customs.mx --recipient org-1234
  interdict export parquet --what pens out/ --user analyst@cofepris.mx
  duckdb -c \"select type, count(*) from 'out/incidents.parquet' group by 1\"")]
    Parquet {
        /// What to export: incidents, pens or flows.
        #[arg(long, value_parser = ["incidents", "pens", "flows"])]
        what: String,
        /// The directory to write into (created if missing).
        dir: PathBuf,
        /// The exporting user (an analyst or above): what their organisation may read.
        #[arg(long)]
        user: String,
        /// Export for this organisation (its id): the TLP rules are applied for it (default:
        /// the user's own organisation).
        #[arg(long)]
        recipient: Option<String>,
    },
}
