//! `interdict incidents import`, `interdict audit verify`, and the audit key file the platform
//! signs its checkpoints with (created at `admin init`, read by `serve`).

use std::io::{self, Read, Write};
use std::path::Path;

use anyhow::{Context as _, Result};
use interdict_app::{audit, incidents, App};
use interdict_audit::SigningKey;

use crate::exit;
use crate::output::Context;

/// Creates the key file unless it exists (then it is kept: a key is never replaced silently),
/// readable by its owner alone, and publishes its public key in the database.
pub fn create_key(ctx: &Context, db: &interdict_app::Database) -> Result<SigningKey> {
    let path = ctx.audit_key_path();
    let key = if path.exists() {
        read_key(&path)?
    } else {
        let key = SigningKey::generate().context("generating the audit signing key")?;
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        write_private(&path, key.to_text().as_bytes())
            .with_context(|| format!("writing the audit key to {}", path.display()))?;
        if !ctx.quiet {
            eprintln!(
                "audit signing key {} written to {} (keep it safe and out of the database's backups)",
                key.key_id(),
                path.display()
            );
        }
        key
    };
    audit::publish_key(db, &key.public_key())?;
    Ok(key)
}

fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut f = options.open(path)?;
    f.write_all(bytes)?;
    f.sync_all()
}

fn read_key(path: &Path) -> Result<SigningKey> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("reading the audit key {}", path.display()))?;
    SigningKey::from_text(&text).with_context(|| format!("the audit key {}", path.display()))
}

/// Loads the key for `serve` when its file exists (checkpoints are then signed); says so when
/// it does not.
pub fn load_key(ctx: &Context, app: &App) -> Result<()> {
    let path = ctx.audit_key_path();
    if path.exists() {
        app.set_audit_key(read_key(&path)?);
    } else if !ctx.quiet {
        eprintln!(
            "warning: no audit key at {} (made by `interdict admin init`); audit checkpoints cannot be signed",
            path.display()
        );
    }
    Ok(())
}

/// `interdict incidents import FILE --user EMAIL`.
pub fn import(ctx: &Context, path: &Path, user: &str) -> Result<u8> {
    let db = ctx.database()?;
    let actor = interdict_app::identity::actor_by_email(&db, user)?;
    let text = if path == Path::new("-") {
        let mut s = String::new();
        io::stdin()
            .read_to_string(&mut s)
            .context("reading standard input")?;
        s
    } else {
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
    };
    let json_lines = matches!(
        path.extension().and_then(|e| e.to_str()),
        Some("jsonl" | "ndjson")
    );
    let lines = if json_lines {
        incidents::read_import_json_lines(&text)
    } else {
        incidents::read_import_csv(&text)
    };
    let app = App::new(db);
    let results = incidents::import(&app, &actor, lines, super::serve::now())?;
    let mut out = io::stdout().lock();
    let (mut created, mut unchanged, mut failed) = (0, 0, 0);
    for r in &results {
        match r {
            incidents::ImportLine::Done { created: true, .. } => created += 1,
            incidents::ImportLine::Done { .. } => unchanged += 1,
            incidents::ImportLine::Failed { .. } => failed += 1,
        }
        if ctx.json {
            writeln!(out, "{}", r.to_json())?;
        } else {
            match r {
                incidents::ImportLine::Done {
                    line,
                    record,
                    created,
                } => writeln!(
                    out,
                    "line {line}\t{}\t{}",
                    record.get("id").and_then(|v| v.as_str()).unwrap_or(""),
                    if *created { "created" } else { "unchanged" }
                )?,
                incidents::ImportLine::Failed {
                    line,
                    field,
                    message,
                } => writeln!(out, "line {line}\terror\t{field}: {message}")?,
            }
        }
    }
    if !ctx.quiet {
        eprintln!("{created} created, {unchanged} already imported, {failed} with errors");
    }
    Ok(if failed > 0 { exit::PARTIAL } else { exit::OK })
}

/// `interdict audit verify`.
pub fn verify(ctx: &Context, key_file: Option<&Path>) -> Result<u8> {
    let db = ctx.database()?;
    let default_key = ctx.audit_key_path();
    let key_path = key_file.or_else(|| default_key.exists().then_some(default_key.as_path()));
    let trusted = key_path.map(read_key).transpose()?.map(|k| k.public_key());
    let v = audit::verify(&db, trusted)?;
    let r = &v.report;
    let mut out = io::stdout().lock();
    if ctx.json {
        writeln!(
            out,
            "{}",
            serde_json::json!({
                "valid": r.is_ok(),
                "entries": r.entries,
                "checkpoints": r.checkpoints,
                "records": r.records,
                "root_hash": r.root.to_hex(),
                "key": v.key_source,
                "problem": r.problem.as_ref().map(|p| p.to_string()),
            })
        )?;
    } else {
        match &r.problem {
            None => writeln!(
                out,
                "audit log verified: {} entries, root {}, {} signed checkpoints checked against {}, {} records match their last entry",
                r.entries, r.root.to_hex(), r.checkpoints, v.key_source, r.records
            )?,
            Some(p) => writeln!(out, "audit log does NOT verify: {p}")?,
        }
    }
    Ok(if r.is_ok() { exit::OK } else { exit::PARTIAL })
}

/// `interdict pens import FILE` / `pens status`: notifications filed outside the platform,
/// imported into the platform's own records.
pub fn pens(ctx: &Context, cmd: &crate::cli::ImportCommand) -> Result<u8> {
    let db = ctx.database()?;
    let app = App::new(db);
    match cmd {
        // Notifications are added or updated by reference, never removed: nothing shrinks.
        crate::cli::ImportCommand::Import { file, .. } => {
            let text = std::fs::read_to_string(file)
                .with_context(|| format!("reading {}", file.display()))?;
            let name = file.display().to_string();
            let (created, updated) =
                interdict_app::pens::import_file(&app, None, &name, &text, super::serve::now())
                    .map_err(|e| match e {
                        interdict_app::AppError::Invalid { message, .. } => {
                            anyhow::anyhow!(message)
                        }
                        other => anyhow::anyhow!(other),
                    })?;
            if !ctx.quiet {
                eprintln!(
                    "imported {} notifications from {name}: {created} new, {updated} updated",
                    created + updated
                );
            }
            Ok(exit::OK)
        }
        crate::cli::ImportCommand::Status => {
            let rows = app.db.read(|tx| tx.pens_unscoped())?;
            let mut by: std::collections::BTreeMap<(String, String), usize> = Default::default();
            for r in &rows {
                *by.entry((r.source.clone(), r.status.clone())).or_default() += 1;
            }
            let mut out = io::stdout().lock();
            for ((source, status), n) in by {
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({"kind": "pens", "source": source, "status": status, "records": n})
                )?;
            }
            Ok(exit::OK)
        }
    }
}

/// `interdict keys export`: the published label keys, public keys only.
pub fn export_keys(ctx: &Context) -> Result<u8> {
    let db = ctx.database()?;
    let app = App::new(db);
    let set = interdict_app::labels::key_set(&app)?;
    let mut out = io::stdout().lock();
    writeln!(out, "{}", serde_json::to_string_pretty(&set)?)?;
    if !ctx.quiet && set.keys.is_empty() {
        eprintln!(
            "warning: no label keys yet (they are made for competent authorities by `serve`)"
        );
    }
    Ok(exit::OK)
}

/// `interdict label verify LABEL --keys FILE`: offline, no database.
pub fn verify_label(ctx: &Context, label: &str, keys: &Path, at: Option<&str>) -> Result<u8> {
    let text = if label == "-" {
        let mut s = String::new();
        io::stdin()
            .take(interdict_label::MAX_LABEL_BYTES as u64 + 1)
            .read_to_string(&mut s)
            .context("reading the label from standard input")?;
        s
    } else if !label.trim_start().starts_with(interdict_label::PREFIX) && Path::new(label).is_file()
    {
        std::fs::read_to_string(label).with_context(|| format!("reading the label from {label}"))?
    } else {
        label.to_string()
    };
    let key_text =
        std::fs::read_to_string(keys).with_context(|| format!("reading {}", keys.display()))?;
    let set = interdict_label::KeySet::from_json(&key_text)
        .with_context(|| format!("the key file {}", keys.display()))?;
    let now = match at {
        Some(t) => {
            if t.len() != 20 || !t.ends_with('Z') || t.as_bytes().get(10) != Some(&b'T') {
                anyhow::bail!(
                    "--at: `{t}` is not an RFC 3339 UTC time such as 2026-12-02T10:00:00Z"
                );
            }
            t.to_string()
        }
        None => crate::output::now_rfc3339(),
    };
    let verdict = interdict_label::verify(&text, &set, &now);
    let mut out = io::stdout().lock();
    writeln!(out, "{}", serde_json::to_string(&verdict)?)?;
    if !ctx.quiet && !ctx.json {
        eprintln!(
            "{}: {}",
            if verdict.valid { "VALID" } else { "NOT VALID" },
            verdict.reason
        );
    }
    Ok(if verdict.valid {
        exit::OK
    } else {
        exit::PARTIAL
    })
}

/// Gives competent authorities without a label key one, when the platform key is loaded.
pub fn ensure_label_keys(ctx: &Context, app: &App) -> Result<()> {
    if app.has_audit_key() {
        let made = interdict_app::labels::ensure_keys(app, super::serve::now())?;
        if made > 0 && !ctx.quiet {
            eprintln!("made label keys for {made} competent authorities");
        }
    }
    Ok(())
}

/// `interdict export parquet --what incidents|pens|flows DIR --user EMAIL`.
pub fn export_parquet(
    ctx: &Context,
    what: &str,
    dir: &Path,
    user: &str,
    recipient: Option<&str>,
) -> Result<u8> {
    let db = ctx.database()?;
    let actor = interdict_app::identity::actor_by_email(&db, user)?;
    let app = App::new(db);
    let now = super::serve::now();
    let (table, rows) = match what {
        "incidents" => (
            interdict_parquet::incidents_table(),
            incidents::export(&app, &actor, &incidents::Search::default(), recipient, now)?,
        ),
        "pens" => (
            interdict_parquet::pens_table(),
            interdict_app::pens::export(&app, &actor, now)?,
        ),
        _ => (
            interdict_parquet::flows_table(),
            interdict_app::flows::edges_for_export(&app, &actor)?,
        ),
    };
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{what}.parquet"));
    let partial = dir.join(format!(".{what}.parquet.partial"));
    let file = std::fs::File::create(&partial)
        .with_context(|| format!("creating {}", partial.display()))?;
    let report = interdict_parquet::write_parquet(&table, rows, io::BufWriter::new(file))
        .with_context(|| format!("writing {}", path.display()))?;
    std::fs::rename(&partial, &path)
        .with_context(|| format!("renaming {} to {}", partial.display(), path.display()))?;
    if !ctx.quiet {
        eprintln!(
            "{}: {} rows in {} row groups ({} bytes)",
            path.display(),
            report.rows,
            report.row_groups,
            report.bytes
        );
    }
    Ok(exit::OK)
}

/// `interdict backup DIR`: a consistent copy of the SQLite database while it is served; for
/// PostgreSQL the documented `pg_dump` command (exit 2).
pub fn backup(ctx: &Context, dir: &Path) -> Result<u8> {
    let location = ctx.database_location();
    if location.to_ascii_lowercase().starts_with("postgres") {
        let db = ctx.database()?;
        eprintln!(
            "interdict backup: {}",
            interdict_app::postgres_advice(db.location())
        );
        return Ok(exit::ERROR);
    }
    let db = ctx.database()?;
    let report = db
        .backup_to(dir)
        .with_context(|| format!("backing up into {}", dir.display()))?;
    if ctx.json {
        writeln!(
            io::stdout().lock(),
            "{}",
            serde_json::json!({"file": report.file.display().to_string(), "bytes": report.bytes, "pages": report.pages})
        )?;
    }
    if !ctx.quiet {
        eprintln!(
            "backed up {} into {} ({} bytes); the audit key is not in it",
            db.location(),
            report.file.display(),
            report.bytes
        );
    }
    Ok(exit::OK)
}

/// `interdict restore DIR`: the backup into the (empty) data directory.
pub fn restore(ctx: &Context, dir: &Path) -> Result<u8> {
    if ctx.database.is_some() {
        anyhow::bail!(
            "restore writes a SQLite data directory (--data-dir); a PostgreSQL database is restored with pg_restore"
        );
    }
    let report = interdict_app::restore_backup(dir, &ctx.data_dir).with_context(|| {
        format!(
            "restoring {} into {}",
            dir.display(),
            ctx.data_dir.display()
        )
    })?;
    if !ctx.quiet {
        eprintln!(
            "restored {} into {} ({} bytes); check it with `interdict audit verify`",
            dir.display(),
            report.file.display(),
            report.bytes
        );
    }
    Ok(exit::OK)
}
