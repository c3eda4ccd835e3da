//! Helpers shared by the end-to-end tests: run the built binary, read its JSON Lines; a database
//! per run on SQLite or PostgreSQL; a live `interdict serve` and HTTP calls to it.

#![allow(dead_code)]

use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};

use serde_json::Value;

/// The repository root (examples and fixtures are addressed from it).
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `interdict` from the repository root with a private data directory and no standard input.
pub fn interdict(args: &[&str], data_dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(args)
        .current_dir(root())
        .env("INTERDICT_DATA", data_dir)
        .stdin(Stdio::null())
        .output()
        .expect("binary runs")
}

/// Standard output as JSON values, one per line.
pub fn json_lines(out: &Output) -> Vec<serde_json::Value> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("not JSON: {l}: {e}")))
        .collect()
}

/// A database for one test run: a SQLite data directory, or a fresh PostgreSQL database
/// (dropped when the guard goes). Either way the platform's audit key lives in a private
/// temporary directory (`INTERDICT_AUDIT_KEY`), never in the user's configuration.
pub enum Db {
    Sqlite(tempfile::TempDir),
    Postgres {
        url: String,
        name: String,
        admin: String,
        keys: tempfile::TempDir,
    },
}

impl Db {
    /// A fresh SQLite data directory.
    pub fn sqlite() -> Db {
        Db::Sqlite(tempfile::tempdir().expect("temp dir"))
    }

    pub fn location(&self) -> String {
        match self {
            Db::Sqlite(dir) => dir.path().display().to_string(),
            Db::Postgres { url, .. } => url.clone(),
        }
    }

    pub fn is_postgres(&self) -> bool {
        matches!(self, Db::Postgres { .. })
    }

    /// The backend's name, for messages.
    pub fn backend(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "SQLite",
            Db::Postgres { .. } => "PostgreSQL",
        }
    }

    /// Where the platform's audit signing key is kept for this run.
    pub fn audit_key(&self) -> PathBuf {
        match self {
            Db::Sqlite(dir) => dir.path().join("audit.key"),
            Db::Postgres { keys, .. } => keys.path().join("audit.key"),
        }
    }

    /// Runs one statement directly on the database, beside the platform (as someone with
    /// database access would). `$1`, `$2` … are text parameters.
    pub fn raw_execute(&self, sql: &str, params: &[&str]) -> u64 {
        match self {
            Db::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(dir.path().join("interdict.sqlite3"))
                    .expect("open the SQLite file");
                conn.busy_timeout(std::time::Duration::from_secs(10))
                    .expect("busy timeout");
                conn.execute(
                    &sql.replace('$', "?"),
                    rusqlite::params_from_iter(params.iter()),
                )
                .unwrap_or_else(|e| panic!("{sql}: {e}")) as u64
            }
            Db::Postgres { url, .. } => {
                let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                client
                    .execute(sql, &pg_params(params))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
            }
        }
    }

    /// Rows of a query run directly on the database; every column must be text (cast with
    /// `CAST(… AS TEXT)`).
    pub fn raw_query(&self, sql: &str, params: &[&str]) -> Vec<Vec<String>> {
        match self {
            Db::Sqlite(dir) => {
                let conn = rusqlite::Connection::open(dir.path().join("interdict.sqlite3"))
                    .expect("open the SQLite file");
                let mut stmt = conn
                    .prepare(&sql.replace('$', "?"))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                let n = stmt.column_count();
                let rows = stmt
                    .query_map(rusqlite::params_from_iter(params.iter()), |r| {
                        (0..n).map(|i| r.get::<_, String>(i)).collect()
                    })
                    .unwrap_or_else(|e| panic!("{sql}: {e}"));
                rows.map(|r| r.unwrap_or_else(|e| panic!("{sql}: {e}")))
                    .collect()
            }
            Db::Postgres { url, .. } => {
                let mut client = postgres::Client::connect(url, postgres::NoTls).expect("connect");
                client
                    .query(sql, &pg_params(params))
                    .unwrap_or_else(|e| panic!("{sql}: {e}"))
                    .iter()
                    .map(|r| (0..r.len()).map(|i| r.get::<_, String>(i)).collect())
                    .collect()
            }
        }
    }
}

fn pg_params<'a>(params: &'a [&'a str]) -> Vec<&'a (dyn postgres::types::ToSql + Sync)> {
    params
        .iter()
        .map(|p| p as &(dyn postgres::types::ToSql + Sync))
        .collect()
}

impl Drop for Db {
    fn drop(&mut self) {
        if let Db::Postgres { name, admin, .. } = self {
            let _ = Command::new("psql")
                .args([
                    admin.as_str(),
                    "-qc",
                    &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                ])
                .output();
        }
    }
}

/// PostgreSQL for the run: `INTERDICT_TEST_PG` (default the local server), a fresh database
/// named after `test`. `None` (skipped with a notice) when unreachable, unless
/// `INTERDICT_REQUIRE_PG=1`, which fails instead.
pub fn postgres(test: &str) -> Option<Db> {
    let admin = std::env::var("INTERDICT_TEST_PG")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
    let name = format!(
        "interdict_{test}_{}_{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0)
    );
    let created = Command::new("psql")
        .args([admin.as_str(), "-qc", &format!("CREATE DATABASE {name}")])
        .output();
    match created {
        Ok(o) if o.status.success() => {
            let base = admin
                .rsplit_once('/')
                .map(|(b, _)| b.to_string())
                .unwrap_or(admin.clone());
            Some(Db::Postgres {
                url: format!("{base}/{name}"),
                name,
                admin,
                keys: tempfile::tempdir().expect("temp dir"),
            })
        }
        other => {
            let why = match other {
                Ok(o) => String::from_utf8_lossy(&o.stderr).into_owned(),
                Err(e) => e.to_string(),
            };
            if std::env::var("INTERDICT_REQUIRE_PG").as_deref() == Ok("1") {
                panic!("PostgreSQL is required (INTERDICT_REQUIRE_PG=1) but not reachable at {admin}: {why}");
            }
            eprintln!(
                "notice: PostgreSQL not reachable at {admin} ({why}); skipping the PostgreSQL half"
            );
            None
        }
    }
}

/// `interdict --database <db> ARGS` with the run's audit key.
pub fn cli(db: &Db, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(["--database", &db.location()])
        .args(args)
        .current_dir(root())
        .env("INTERDICT_AUDIT_KEY", db.audit_key())
        .stdin(Stdio::null())
        .output()
        .expect("binary runs")
}

/// As [`cli`], which must succeed and print one JSON value.
pub fn cli_json(db: &Db, args: &[&str]) -> Value {
    let out = cli(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// `interdict admin init`: the secretariat, its first admin and the audit key. Its JSON
/// (`organisation`, `token`, …).
pub fn admin_init(db: &Db) -> Value {
    cli_json(
        db,
        &[
            "--json",
            "admin",
            "init",
            "--email",
            "admin@secretariat.test",
        ],
    )
}

/// `interdict admin org add`: the new organisation's id.
pub fn add_org(db: &Db, name: &str, country: &str, kind: &str) -> String {
    let org = cli_json(
        db,
        &[
            "--json",
            "admin",
            "org",
            "add",
            "--name",
            name,
            "--country",
            country,
            "--kind",
            kind,
        ],
    );
    assert_eq!(org["country"], Value::from(country), "{org}");
    org["id"].as_str().expect("an organisation id").to_string()
}

/// `interdict admin user add` and `admin token create`: the new user's API token.
pub fn add_user(db: &Db, org_id: &str, email: &str, role: &str) -> String {
    cli_json(
        db,
        &[
            "--json", "admin", "user", "add", "--org", org_id, "--email", email, "--role", role,
        ],
    );
    cli_json(db, &["--json", "admin", "token", "create", "--user", email])["token"]
        .as_str()
        .expect("a token")
        .to_string()
}

/// A running `interdict serve`, killed when dropped; its standard error is kept.
pub struct Server {
    pub child: Child,
    pub base: String,
    pub log: Arc<Mutex<String>>,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Starts `interdict serve` on a free port of the loopback interface, over `db`.
pub fn start(db: &Db) -> Server {
    start_with(db, &[])
}

/// As [`start`], with more `serve` options (`--clock-offset 30`).
pub fn start_with(db: &Db, serve_args: &[&str]) -> Server {
    let mut args = vec!["--insecure-cookies"];
    args.extend_from_slice(serve_args);
    start_exact(db, &args)
}

/// As [`start`], with exactly these `serve` options (no `--insecure-cookies` unless given).
pub fn start_exact(db: &Db, serve_args: &[&str]) -> Server {
    let mut child = Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args([
            "--database",
            &db.location(),
            "-vv",
            "serve",
            "--listen",
            "127.0.0.1:0",
        ])
        .args(serve_args)
        .current_dir(root())
        .env("INTERDICT_AUDIT_KEY", db.audit_key())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("server starts");
    let stderr = child.stderr.take().expect("stderr piped");
    let log = Arc::new(Mutex::new(String::new()));
    let (tx, rx) = std::sync::mpsc::channel();
    let keep = Arc::clone(&log);
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !sent {
                if let Some(addr) = line.split("serving on ").nth(1) {
                    let _ = tx.send(addr.trim().to_string());
                    sent = true;
                }
            }
            if let Ok(mut l) = keep.lock() {
                l.push_str(&line);
                l.push('\n');
            }
        }
    });
    let base = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("server announced its address");
    Server { child, base, log }
}

/// An HTTP answer: status, body, headers.
pub struct Answer {
    pub status: u16,
    pub body: String,
    pub bytes: Vec<u8>,
    pub headers: Vec<(String, String)>,
}

impl Answer {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    /// The body as JSON, or `None`.
    pub fn try_json(&self) -> Option<Value> {
        serde_json::from_str(&self.body).ok()
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn error_code(&self) -> String {
        self.try_json()
            .and_then(|v| v["error"]["code"].as_str().map(str::to_string))
            .unwrap_or_default()
    }
}

/// One request; any status is an answer (only a failure to connect panics).
pub fn call(
    method: &str,
    url: &str,
    headers: &[(&str, &str)],
    body: Option<(&str, &[u8])>,
) -> Answer {
    let agent = ureq::AgentBuilder::new().redirects(0).build();
    let mut req = agent.request(method, url);
    for (k, v) in headers {
        req = req.set(k, v);
    }
    let result = match body {
        Some((content_type, bytes)) => req.set("content-type", content_type).send_bytes(bytes),
        None => req.call(),
    };
    let resp = match result {
        Ok(r) => r,
        Err(ureq::Error::Status(_, r)) => r,
        Err(e) => panic!("{method} {url}: {e}"),
    };
    let status = resp.status();
    let headers = resp
        .headers_names()
        .iter()
        .filter_map(|n| resp.header(n).map(|v| (n.clone(), v.to_string())))
        .collect();
    let mut bytes = Vec::new();
    let _ = std::io::Read::read_to_end(&mut resp.into_reader(), &mut bytes);
    let body = String::from_utf8_lossy(&bytes).into_owned();
    Answer {
        status,
        body,
        bytes,
        headers,
    }
}

pub fn bearer(token: &str) -> String {
    format!("Bearer {token}")
}

pub fn get(s: &Server, path: &str, token: &str) -> Answer {
    let auth = bearer(token);
    call(
        "GET",
        &format!("{}{path}", s.base),
        &[("authorization", &auth)],
        None,
    )
}

pub fn post(s: &Server, path: &str, token: &str, content_type: &str, body: &[u8]) -> Answer {
    let auth = bearer(token);
    call(
        "POST",
        &format!("{}{path}", s.base),
        &[("authorization", &auth)],
        Some((content_type, body)),
    )
}

pub fn post_json(s: &Server, path: &str, token: &str, body: Value) -> Answer {
    post(
        s,
        path,
        token,
        "application/json",
        body.to_string().as_bytes(),
    )
}

/// `method path` with `token` (`None`: no credential at all) and an optional body.
pub fn request(
    s: &Server,
    method: &str,
    path: &str,
    token: Option<&str>,
    body: Option<(&str, &[u8])>,
) -> Answer {
    let auth = token.map(bearer);
    let headers: Vec<(&str, &str)> = auth
        .as_deref()
        .map(|a| vec![("authorization", a)])
        .unwrap_or_default();
    call(method, &format!("{}{path}", s.base), &headers, body)
}

/// As [`add_user`], with a password for signing in (`admin user add --password-stdin`).
pub fn add_user_with_password(
    db: &Db,
    org_id: &str,
    email: &str,
    role: &str,
    password: &str,
) -> String {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(["--database", &db.location()])
        .args([
            "--json",
            "admin",
            "user",
            "add",
            "--org",
            org_id,
            "--email",
            email,
            "--role",
            role,
            "--password-stdin",
        ])
        .current_dir(root())
        .env("INTERDICT_AUDIT_KEY", db.audit_key())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin
            .write_all(format!("{password}\n").as_bytes())
            .expect("password written");
    }
    let out = child.wait_with_output().expect("binary ends");
    assert!(
        out.status.success(),
        "user add: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    cli_json(db, &["--json", "admin", "token", "create", "--user", email])["token"]
        .as_str()
        .expect("a token")
        .to_string()
}

/// What the receiver kept: (signature header, body) per accepted post.
pub type Received = Arc<Mutex<Vec<(String, String)>>>;

/// A webhook receiver on loopback that answers 500 to its first `failures` posts, then 204, and
/// keeps them (at most 5,000 connections).
pub fn receiver(failures: usize) -> (String, Received) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/hook", listener.local_addr().unwrap());
    let got = Arc::new(Mutex::new(Vec::new()));
    let keep = Arc::clone(&got);
    std::thread::spawn(move || {
        let mut seen = 0;
        for stream in listener.incoming().take(5000) {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut length = 0;
            let mut signature = String::new();
            loop {
                let mut line = String::new();
                if reader.read_line(&mut line).unwrap_or(0) == 0 || line == "\r\n" {
                    break;
                }
                let lower = line.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap_or(0);
                }
                if lower.starts_with("x-interdict-signature:") {
                    signature = line.split_once(':').unwrap().1.trim().to_string();
                }
            }
            let mut body = vec![0; length];
            let _ = reader.read_exact(&mut body);
            seen += 1;
            let status = if seen <= failures {
                "500 Internal Server Error"
            } else {
                "204 No Content"
            };
            let _ = write!(
                stream,
                "HTTP/1.1 {status}\r\ncontent-length: 0\r\nconnection: close\r\n\r\n"
            );
            if seen > failures {
                keep.lock()
                    .unwrap()
                    .push((signature, String::from_utf8_lossy(&body).into_owned()));
            }
        }
    });
    (url, got)
}
