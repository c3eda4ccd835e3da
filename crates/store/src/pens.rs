//! Pre-export notifications, corridor policies and the authorities' label keys (migration 7).
//! A caller's reads filter by the notification's fixed visibility in the query itself — the
//! competent authorities of the countries named on it and the secretariat — and PostgreSQL's
//! row-level security repeats it underneath.

use interdict_core::CountryCode;

use crate::sql::Value;
use crate::tx::Tx;
use crate::StoreError;

/// A notification as stored: the record as answered (`body`, JSON with its history) and the
/// columns its queries filter on.
#[derive(Clone, Debug, PartialEq)]
pub struct PenRow {
    pub id: String,
    /// The filing authority; `None` for a notification imported from a file.
    pub owner_organisation: Option<String>,
    pub exporting_country: CountryCode,
    pub importing_country: CountryCode,
    pub transit_countries: Vec<CountryCode>,
    pub status: String,
    /// `YYYY-MM-DD`, the last day to answer.
    pub reply_deadline: String,
    /// The deadline passed unanswered (expired, or cleared by silence).
    pub late: bool,
    /// `platform` or `import`.
    pub source: String,
    pub body: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// Which notifications a list asks for; every field narrows it.
#[derive(Clone, Debug, Default)]
pub struct PenFilter {
    /// The caller's country exports (`outgoing`), imports (`incoming`) or is a transit
    /// country (`transit`).
    pub exporting_country: Option<CountryCode>,
    pub importing_country: Option<CountryCode>,
    pub transit_country: Option<CountryCode>,
    pub status: Option<String>,
    /// Only those answered late or not at all, as of this day (`YYYY-MM-DD`): the deadline
    /// passed unanswered, or is past and still awaiting a reply.
    pub overdue_on: Option<String>,
}

/// A published label key (no secret: the platform key derives it from `salt`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthorityKeyRow {
    pub key_id: String,
    pub organisation: String,
    pub country: CountryCode,
    pub public_key: String,
    pub salt: String,
    pub valid_from: String,
    pub revoked_at: Option<String>,
    pub created_at: i64,
}

const COLUMNS: &str = "p.seq, p.id, p.owner_organisation, p.exporting_country, \
     p.importing_country, p.countries, p.status, p.reply_deadline, p.late, p.source, p.body, \
     p.created_at, p.updated_at";

/// The fixed visibility as SQL over `pens p`, with the caller's country, secretariat flag and
/// competent-authority flag bound as `$1`, `$2`, `$3`. Kept beside `domain::pen::side_of`.
const VISIBLE: &str = "($2 OR ($3 AND p.countries LIKE '%,' || $1 || ',%'))";

fn countries_column(row: &PenRow) -> String {
    let mut s = String::from(",");
    for c in std::iter::once(&row.exporting_country)
        .chain(std::iter::once(&row.importing_country))
        .chain(row.transit_countries.iter())
    {
        s.push_str(c.as_str());
        s.push(',');
    }
    s
}

impl Tx<'_> {
    fn pen_scope(
        &self,
        operation: &'static str,
    ) -> Result<(Option<String>, bool, bool), StoreError> {
        let scope = self.scope.clone().ok_or(StoreError::Invalid {
            operation,
            reason: "notifications are read on behalf of a caller (Database::read_as)".into(),
        })?;
        Ok((
            scope.country.map(|c| c.as_str().to_string()),
            scope.secretariat,
            scope.competent_authority,
        ))
    }

    /// A notification id for a country and year with a number drawn at random
    /// (`PEN-CN-2026-483920`); [`Tx::insert_pen`] says whether it was free.
    pub fn draw_pen_id(&mut self, country: &str, year: i32) -> Result<String, StoreError> {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::Database {
            backend: self.backend(),
            operation: "draw a notification number",
            reason: format!("no randomness from the operating system: {e}"),
        })?;
        let n = u32::from_le_bytes(bytes) % 1_000_000;
        Ok(format!("PEN-{country}-{year:04}-{n:06}"))
    }

    /// Stores a new notification and answers its sequence number, or `None` when its id is
    /// taken.
    pub fn insert_pen(&mut self, row: &PenRow) -> Result<Option<i64>, StoreError> {
        let operation = "insert a notification (pens)";
        self.require_writable(operation)?;
        let countries = countries_column(row);
        let rows = self.query(
            operation,
            "INSERT INTO pens (id, owner_organisation, exporting_country, importing_country,
                 countries, status, reply_deadline, late, source, body, created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
             ON CONFLICT (id) DO NOTHING
             RETURNING seq",
            &[
                Value::Text(&row.id),
                Value::OptText(row.owner_organisation.as_deref()),
                Value::Text(row.exporting_country.as_str()),
                Value::Text(row.importing_country.as_str()),
                Value::Text(&countries),
                Value::Text(&row.status),
                Value::Text(&row.reply_deadline),
                Value::Int(i64::from(row.late)),
                Value::Text(&row.source),
                Value::Text(&row.body),
                Value::Int(row.created_at),
                Value::Int(row.updated_at),
            ],
        )?;
        match rows.into_iter().next() {
            Some(mut r) => Ok(Some(r.int(0)?)),
            None => Ok(None),
        }
    }

    /// Replaces a notification's status, deadline and record, if it is still at `expected`
    /// status (`false`: someone changed it first, or it is not visible).
    pub fn update_pen(&mut self, row: &PenRow, expected_status: &str) -> Result<bool, StoreError> {
        let operation = "update a notification (pens)";
        self.require_writable(operation)?;
        let changed = self.execute(
            operation,
            "UPDATE pens SET status = $2, reply_deadline = $3, late = $4, body = $5,
                 updated_at = $6
             WHERE id = $1 AND status = $7",
            &[
                Value::Text(&row.id),
                Value::Text(&row.status),
                Value::Text(&row.reply_deadline),
                Value::Int(i64::from(row.late)),
                Value::Text(&row.body),
                Value::Int(row.updated_at),
                Value::Text(expected_status),
            ],
        )?;
        Ok(changed == 1)
    }

    /// One notification the caller may read.
    pub fn pen(&mut self, id: &str) -> Result<Option<PenRow>, StoreError> {
        let operation = "read a notification (pens)";
        let (country, secretariat, competent) = self.pen_scope(operation)?;
        let sql = format!("SELECT {COLUMNS} FROM pens p WHERE p.id = $4 AND {VISIBLE}");
        let rows = self.query(
            operation,
            &sql,
            &[
                Value::OptText(country.as_deref()),
                Value::Bool(secretariat),
                Value::Bool(competent),
                Value::Text(id),
            ],
        )?;
        match rows.into_iter().next() {
            Some(r) => Ok(Some(pen_from(r)?.1)),
            None => Ok(None),
        }
    }

    /// The notifications the caller may read that match `filter`, newest first: at most
    /// `limit`, below sequence number `before`. With their sequence numbers.
    pub fn search_pens(
        &mut self,
        filter: &PenFilter,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<(i64, PenRow)>, StoreError> {
        let operation = "list notifications (pens)";
        let (country, secretariat, competent) = self.pen_scope(operation)?;
        let mut texts: Vec<String> = Vec::new();
        let mut conditions = vec![VISIBLE.to_string()];
        let next = |texts: &mut Vec<String>, value: String| {
            texts.push(value);
            format!("${}", texts.len() + 3)
        };
        if let Some(c) = &filter.exporting_country {
            let p = next(&mut texts, c.as_str().to_string());
            conditions.push(format!("p.exporting_country = {p}"));
        }
        if let Some(c) = &filter.importing_country {
            let p = next(&mut texts, c.as_str().to_string());
            conditions.push(format!("p.importing_country = {p}"));
        }
        if let Some(c) = &filter.transit_country {
            let p = next(&mut texts, format!("%,{},%", c.as_str()));
            conditions.push(format!(
                "p.countries LIKE {p} AND p.exporting_country <> {q} AND p.importing_country <> {q}",
                q = next(&mut texts, c.as_str().to_string())
            ));
        }
        if let Some(s) = &filter.status {
            let p = next(&mut texts, s.clone());
            conditions.push(format!("p.status = {p}"));
        }
        if let Some(day) = &filter.overdue_on {
            let p = next(&mut texts, day.clone());
            conditions.push(format!(
                "(p.late = 1 OR (p.status IN ('sent', 'acknowledged') AND p.reply_deadline < {p}))"
            ));
        }
        let mut ints = Vec::new();
        if let Some(b) = before {
            ints.push(b);
            conditions.push(format!("p.seq < ${}", texts.len() + 3 + ints.len()));
        }
        let sql = format!(
            "SELECT {COLUMNS} FROM pens p WHERE {} ORDER BY p.seq DESC LIMIT {}",
            conditions.join(" AND "),
            limit.min(10_000)
        );
        let mut params = vec![
            Value::OptText(country.as_deref()),
            Value::Bool(secretariat),
            Value::Bool(competent),
        ];
        params.extend(texts.iter().map(|t| Value::Text(t)));
        params.extend(ints.iter().map(|i| Value::Int(*i)));
        self.query(operation, &sql, &params)?
            .into_iter()
            .map(pen_from)
            .collect()
    }

    /// Notifications still awaiting a reply whose last day to answer is before `today`: for
    /// the platform's deadline clock, never for a caller.
    pub fn pens_past_deadline(&mut self, today: &str) -> Result<Vec<PenRow>, StoreError> {
        let sql = format!(
            "SELECT {COLUMNS} FROM pens p WHERE p.status IN ('sent', 'acknowledged') \
             AND p.reply_deadline < $1 ORDER BY p.seq"
        );
        self.query(
            "find notifications past their deadline (pens)",
            &sql,
            &[Value::Text(today)],
        )?
        .into_iter()
        .map(|r| pen_from(r).map(|(_, p)| p))
        .collect()
    }

    /// One notification whoever may see it: for the platform's own work (the deadline clock,
    /// screening, label checks), never answered to a caller as it is.
    pub fn pen_unscoped(&mut self, id: &str) -> Result<Option<PenRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM pens p WHERE p.id = $1");
        match self
            .query("read a notification (pens)", &sql, &[Value::Text(id)])?
            .into_iter()
            .next()
        {
            Some(r) => Ok(Some(pen_from(r)?.1)),
            None => Ok(None),
        }
    }

    /// Every notification in filing order: for screening, statistics and `audit verify`.
    pub fn pens_unscoped(&mut self) -> Result<Vec<PenRow>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM pens p ORDER BY p.seq");
        self.query("read every notification (pens)", &sql, &[])?
            .into_iter()
            .map(|r| pen_from(r).map(|(_, p)| p))
            .collect()
    }

    /// A version of the notifications for caches: their count and latest change.
    pub fn pens_version(&mut self) -> Result<(i64, i64), StoreError> {
        let mut rows = self.query(
            "read the notifications' version (pens)",
            "SELECT COUNT(*), COALESCE(MAX(updated_at), 0) FROM pens",
            &[],
        )?;
        match rows.pop() {
            Some(mut r) => Ok((r.int(0)?, r.int(1)?)),
            None => Ok((0, 0)),
        }
    }

    /// Sets a corridor's policy (JSON).
    pub fn put_corridor(&mut self, id: &str, body: &str, now: i64) -> Result<(), StoreError> {
        let operation = "set a corridor policy (corridors)";
        self.require_writable(operation)?;
        self.execute(
            operation,
            "INSERT INTO corridors (id, body, updated_at) VALUES ($1, $2, $3)
             ON CONFLICT (id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at",
            &[Value::Text(id), Value::Text(body), Value::Int(now)],
        )?;
        Ok(())
    }

    /// A corridor's policy (JSON), if one was set.
    pub fn corridor(&mut self, id: &str) -> Result<Option<String>, StoreError> {
        let mut rows = self.query(
            "read a corridor policy (corridors)",
            "SELECT body FROM corridors WHERE id = $1",
            &[Value::Text(id)],
        )?;
        match rows.pop() {
            Some(mut r) => Ok(Some(r.text(0)?)),
            None => Ok(None),
        }
    }

    /// Every corridor policy set: `(id, JSON)`.
    pub fn corridors(&mut self) -> Result<Vec<(String, String)>, StoreError> {
        self.query(
            "read the corridor policies (corridors)",
            "SELECT id, body FROM corridors ORDER BY id",
            &[],
        )?
        .into_iter()
        .map(|mut r| Ok((r.text(0)?, r.text(1)?)))
        .collect()
    }

    pub fn insert_authority_key(&mut self, k: &AuthorityKeyRow) -> Result<(), StoreError> {
        let operation = "store a label key (authority_keys)";
        self.require_writable(operation)?;
        self.execute(
            operation,
            "INSERT INTO authority_keys (key_id, organisation, country, public_key, salt,
                 valid_from, revoked_at, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
            &[
                Value::Text(&k.key_id),
                Value::Text(&k.organisation),
                Value::Text(k.country.as_str()),
                Value::Text(&k.public_key),
                Value::Text(&k.salt),
                Value::Text(&k.valid_from),
                Value::OptText(k.revoked_at.as_deref()),
                Value::Int(k.created_at),
            ],
        )?;
        Ok(())
    }

    /// Marks a key revoked (`false`: no such key, or revoked already).
    pub fn revoke_authority_key(&mut self, key_id: &str, at: &str) -> Result<bool, StoreError> {
        let operation = "revoke a label key (authority_keys)";
        self.require_writable(operation)?;
        Ok(self.execute(
            operation,
            "UPDATE authority_keys SET revoked_at = $2 WHERE key_id = $1 AND revoked_at IS NULL",
            &[Value::Text(key_id), Value::Text(at)],
        )? == 1)
    }

    /// Every label key, oldest first.
    pub fn authority_keys(&mut self) -> Result<Vec<AuthorityKeyRow>, StoreError> {
        self.query(
            "read the label keys (authority_keys)",
            "SELECT key_id, organisation, country, public_key, salt, valid_from, revoked_at,
                 created_at
             FROM authority_keys ORDER BY created_at, key_id",
            &[],
        )?
        .into_iter()
        .map(|mut r| {
            let country_text = r.text(2)?;
            let country = CountryCode::parse(&country_text).map_err(|_| StoreError::Corrupt {
                backend: r.backend,
                operation: r.operation,
                detail: format!("authority_keys.country `{country_text}` is not a country code"),
            })?;
            Ok(AuthorityKeyRow {
                key_id: r.text(0)?,
                organisation: r.text(1)?,
                country,
                public_key: r.text(3)?,
                salt: r.text(4)?,
                valid_from: r.text(5)?,
                revoked_at: r.opt_text(6)?,
                created_at: r.int(7)?,
            })
        })
        .collect()
    }
}

fn pen_from(mut r: crate::sql::Row) -> Result<(i64, PenRow), StoreError> {
    let corrupt = |r: &crate::sql::Row, value: &str| StoreError::Corrupt {
        backend: r.backend,
        operation: r.operation,
        detail: format!("pens: `{value}` is not a country code"),
    };
    let seq = r.int(0)?;
    let id = r.text(1)?;
    let owner_organisation = r.opt_text(2)?;
    let e = r.text(3)?;
    let exporting_country = CountryCode::parse(&e).map_err(|_| corrupt(&r, &e))?;
    let i = r.text(4)?;
    let importing_country = CountryCode::parse(&i).map_err(|_| corrupt(&r, &i))?;
    let mut transit_countries = Vec::new();
    for c in r.text(5)?.split(',').filter(|c| !c.is_empty()).skip(2) {
        transit_countries.push(CountryCode::parse(c).map_err(|_| corrupt(&r, c))?);
    }
    Ok((
        seq,
        PenRow {
            id,
            owner_organisation,
            exporting_country,
            importing_country,
            transit_countries,
            status: r.text(6)?,
            reply_deadline: r.text(7)?,
            late: r.int(8)? != 0,
            source: r.text(9)?,
            body: r.text(10)?,
            created_at: r.int(11)?,
            updated_at: r.int(12)?,
        },
    ))
}
