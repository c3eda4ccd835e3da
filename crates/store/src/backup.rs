//! Backups of a SQLite data directory while it is being served, and their restoration.
//!
//! A backup is a directory holding a copy of the database file ([`DB_FILE`]) made with
//! SQLite's online backup API in a single step: the copy is one consistent snapshot (a read
//! transaction on the source), taken while other connections keep writing. It holds no audit
//! signing key (that is kept out of the database and its backups). PostgreSQL is backed up
//! with its own tools (`pg_dump`), see [`postgres_advice`].

use std::path::{Path, PathBuf};

use rusqlite::backup::Backup;
use rusqlite::{Connection, OpenFlags};

use crate::error::{Backend, StoreError};
use crate::location::DB_FILE;
use crate::Database;

/// What a backup or a restore wrote.
#[derive(Debug, Clone)]
pub struct BackupReport {
    /// The database file written.
    pub file: PathBuf,
    /// Its size in bytes.
    pub bytes: u64,
    /// Its pages.
    pub pages: i64,
}

/// The documented way to back up and restore a PostgreSQL database (`url` without password).
pub fn postgres_advice(url: &str) -> String {
    format!(
        "a PostgreSQL database is backed up with PostgreSQL's own tools, consistent while serving:\n  \
         pg_dump --format=custom --file DIR/interdict.pgdump '{url}'\n\
         and restored into an empty database with:\n  \
         createdb NEW && pg_restore --no-owner --dbname NEW DIR/interdict.pgdump"
    )
}

fn io_error(operation: &'static str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Invalid {
        operation,
        reason: format!("{}: {e}", path.display()),
    }
}

fn sqlite_error(operation: &'static str, e: rusqlite::Error) -> StoreError {
    StoreError::Database {
        backend: Backend::Sqlite,
        operation,
        reason: e.to_string(),
    }
}

/// Copies the whole of `src` into a new file `dst` in one step of the online backup API, then
/// checks the copy's integrity.
fn copy_database(
    operation: &'static str,
    src: &Connection,
    dst: &Path,
) -> Result<BackupReport, StoreError> {
    let partial = dst.with_extension("partial");
    let _ = std::fs::remove_file(&partial);
    let pages = {
        let mut out = Connection::open(&partial).map_err(|e| sqlite_error(operation, e))?;
        {
            let backup = Backup::new(src, &mut out).map_err(|e| sqlite_error(operation, e))?;
            // -1: every page in one step, so the copy is one snapshot of the source. A step
            // refused for a lock is tried again (the source's writers commit in milliseconds).
            let mut tries = 0;
            loop {
                match backup.step(-1).map_err(|e| sqlite_error(operation, e))? {
                    rusqlite::backup::StepResult::Done => break,
                    rusqlite::backup::StepResult::More => {}
                    _ if tries < 600 => {
                        tries += 1;
                        std::thread::sleep(std::time::Duration::from_millis(50));
                    }
                    _ => {
                        return Err(StoreError::Unavailable {
                            backend: Backend::Sqlite,
                            location: dst.display().to_string(),
                            operation,
                            reason: "the database stayed locked for 30 s".into(),
                        })
                    }
                }
            }
        }
        let check: String = out
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .map_err(|e| sqlite_error(operation, e))?;
        if check != "ok" {
            return Err(StoreError::Corrupt {
                backend: Backend::Sqlite,
                operation,
                detail: format!("the copy does not pass the integrity check: {check}"),
            });
        }
        let pages: i64 = out
            .query_row("PRAGMA page_count", [], |r| r.get(0))
            .map_err(|e| sqlite_error(operation, e))?;
        // A self-contained file: no write-ahead log beside it.
        out.pragma_update(None, "journal_mode", "DELETE")
            .map_err(|e| sqlite_error(operation, e))?;
        pages
    };
    std::fs::File::open(&partial)
        .and_then(|f| f.sync_all())
        .map_err(|e| io_error(operation, &partial, e))?;
    std::fs::rename(&partial, dst).map_err(|e| io_error(operation, dst, e))?;
    let bytes = std::fs::metadata(dst)
        .map_err(|e| io_error(operation, dst, e))?
        .len();
    Ok(BackupReport {
        file: dst.to_path_buf(),
        bytes,
        pages,
    })
}

impl Database {
    /// Writes a consistent copy of this SQLite database into `dir` (created if missing; it must
    /// not hold a database already), while the database stays open for others. PostgreSQL:
    /// [`StoreError::Invalid`] with [`postgres_advice`].
    pub fn backup_to(&self, dir: &Path) -> Result<BackupReport, StoreError> {
        const OP: &str = "backup";
        if self.backend() != Backend::Sqlite {
            return Err(StoreError::Invalid {
                operation: OP,
                reason: postgres_advice(self.location()),
            });
        }
        std::fs::create_dir_all(dir).map_err(|source| StoreError::CreateDir {
            path: dir.to_path_buf(),
            source,
        })?;
        let dst = dir.join(DB_FILE);
        if dst.exists() {
            return Err(StoreError::Invalid {
                operation: OP,
                reason: format!(
                    "{} exists already; back up into a new directory",
                    dst.display()
                ),
            });
        }
        let src = Connection::open_with_flags(
            self.location(),
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| sqlite_error(OP, e))?;
        src.busy_timeout(std::time::Duration::from_secs(30))
            .map_err(|e| sqlite_error(OP, e))?;
        copy_database(OP, &src, &dst)
    }
}

/// Restores the backup in `backup_dir` into the data directory `data_dir`, which must hold no
/// database yet (created if missing). The restored database is opened (and migrated) once.
pub fn restore(backup_dir: &Path, data_dir: &Path) -> Result<BackupReport, StoreError> {
    const OP: &str = "restore";
    let from = backup_dir.join(DB_FILE);
    if !from.is_file() {
        return Err(StoreError::Invalid {
            operation: OP,
            reason: format!("{} holds no backup ({DB_FILE})", backup_dir.display()),
        });
    }
    std::fs::create_dir_all(data_dir).map_err(|source| StoreError::CreateDir {
        path: data_dir.to_path_buf(),
        source,
    })?;
    let dst = data_dir.join(DB_FILE);
    if dst.exists() {
        return Err(StoreError::Invalid {
            operation: OP,
            reason: format!(
                "{} holds a database already; restore into an empty data directory",
                data_dir.display()
            ),
        });
    }
    let src = Connection::open_with_flags(
        &from,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
    .map_err(|e| sqlite_error(OP, e))?;
    let report = copy_database(OP, &src, &dst)?;
    drop(src);
    Database::open_at(data_dir, crate::Access::ReadWrite)?;
    Ok(report)
}
