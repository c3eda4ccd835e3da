//! Incidents and their attachments (migration 6). Every read on behalf of a caller filters by
//! the caller's [`Scope`] in the query itself — the rule of `interdict_domain::sharing::reaches`
//! written as SQL — so no list, search, count or page can hold a row the caller may not read;
//! on PostgreSQL row-level security repeats it underneath.

use interdict_core::CountryCode;
use interdict_domain::sharing::{Distribution, Scope, Sharing, Tlp};

use crate::sql::Value;
use crate::tx::Tx;
use crate::StoreError;

/// An incident as stored: the record as answered (`body`, JSON) and the columns its queries
/// filter on.
#[derive(Clone, Debug, PartialEq)]
pub struct IncidentRow {
    pub id: String,
    pub sharing: Sharing,
    pub kind: String,
    /// `YYYY-MM-DD`.
    pub date: String,
    pub country: CountryCode,
    /// The reporter's own reference (from a bulk import), unique per organisation.
    pub reference: Option<String>,
    /// Lower-cased words of the record without its personal data, for `?q=`.
    pub search_text: String,
    /// What the substances resolved to: registry ids, CAS numbers, `class:<id>`, resolver keys.
    pub substance_keys: Vec<String>,
    pub body: String,
    pub created_at: i64,
    pub updated_at: i64,
}

/// What a search asks for; every field narrows it. Visibility is applied whatever is asked.
#[derive(Clone, Debug, Default)]
pub struct IncidentFilter {
    /// Any of these keys among the incident's substance keys (a substance id and its CAS, or
    /// `class:<id>`).
    pub substance_keys: Vec<String>,
    pub country: Option<CountryCode>,
    pub kind: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    /// Lower-case text to find in the record's words.
    pub text: Option<String>,
    /// Only incidents owned by this organisation.
    pub owner_organisation: Option<String>,
    /// Only incidents created after this sequence number (alerts keep up incrementally).
    pub after_seq: Option<i64>,
}

/// An attachment's stored record.
#[derive(Clone, Debug, PartialEq)]
pub struct AttachmentRow {
    pub id: String,
    pub incident_id: String,
    pub sha256: String,
    pub media_type: String,
    pub size: i64,
    pub filename: Option<String>,
    pub body: String,
    pub created_at: i64,
}

const COLUMNS: &str =
    "i.seq, i.id, i.owner_organisation, i.owner_country, i.distribution, i.share_with, \
     i.tlp, i.personal_data_distribution, i.type, i.date, i.country, i.reference, i.search_text, \
     i.body, i.created_at, i.updated_at";

/// Where a search on PostgreSQL takes its candidate rows from.
enum Candidates {
    /// The `LIKE` pattern of the words (`interdict_text_candidates`).
    Words(String),
    /// Every filter, when one a row's columns answer is asked (substances, country, type,
    /// dates; `interdict_filter_candidates`).
    Filters,
}

/// The visibility rule as SQL over `incidents i`, with the caller's organisation, country and
/// secretariat flag bound as `$1`, `$2`, `$3`. Kept beside `sharing::reaches`; a test of this
/// crate checks them against each other on every combination.
const VISIBLE: &str = "(i.owner_organisation = $1 \
     OR i.distribution = 'coalition' \
     OR (i.distribution = 'country' AND i.owner_country = $2) \
     OR (i.distribution = 'countries' AND ($3 OR i.owner_country = $2 \
         OR i.share_with LIKE '%,' || $2 || ',%')))";

/// `%text%` for LIKE, with `\`, `%` and `_` escaped (`ESCAPE '\'`).
fn like_pattern(text: &str) -> String {
    let escaped = text
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

fn share_with_column(countries: &[CountryCode]) -> String {
    if countries.is_empty() {
        return String::new();
    }
    let mut s = String::from(",");
    for c in countries {
        s.push_str(c.as_str());
        s.push(',');
    }
    s
}

impl Tx<'_> {
    /// The caller's scope; reading shared records without one is refused (the platform's own
    /// reads, such as `audit verify`, use the `_unscoped` methods).
    fn caller_scope(&self, operation: &'static str) -> Result<Scope, StoreError> {
        self.scope.clone().ok_or(StoreError::Invalid {
            operation,
            reason: "shared records are read on behalf of a caller (Database::read_as)".into(),
        })
    }

    /// An incident id for a country and year with a number drawn at random
    /// (`INC-MX-2025-483920`); [`Tx::insert_incident`] says whether it was free.
    pub fn draw_incident_id(&mut self, country: &str, year: i32) -> Result<String, StoreError> {
        let mut bytes = [0u8; 4];
        getrandom::fill(&mut bytes).map_err(|e| StoreError::Database {
            backend: self.backend(),
            operation: "draw an incident number",
            reason: format!("no randomness from the operating system: {e}"),
        })?;
        let n = u32::from_le_bytes(bytes) % 1_000_000;
        Ok(format!("INC-{country}-{year:04}-{n:06}"))
    }

    /// Stores a new incident (the caller's organisation must own it) and answers its sequence
    /// number, or `None` when its id is taken (draw another). A reference the organisation used
    /// before is [`StoreError::Conflict`].
    pub fn insert_incident(&mut self, row: &IncidentRow) -> Result<Option<i64>, StoreError> {
        let operation = "insert an incident (incidents)";
        self.require_writable(operation)?;
        let s = &row.sharing;
        let share_with = share_with_column(&s.share_with);
        let rows = self.query(
            operation,
            "INSERT INTO incidents (id, owner_organisation, owner_country, distribution, share_with,
                 tlp, personal_data_distribution, type, date, country, reference, search_text, body,
                 created_at, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
             ON CONFLICT (id) DO NOTHING
             RETURNING seq",
            &[
                Value::Text(&row.id),
                Value::Text(&s.owner_organisation),
                Value::OptText(s.owner_country.as_ref().map(|c| c.as_str())),
                Value::Text(s.distribution.as_str()),
                Value::Text(&share_with),
                Value::Text(s.tlp.as_str()),
                Value::Text(s.personal_data_distribution.as_str()),
                Value::Text(&row.kind),
                Value::Text(&row.date),
                Value::Text(row.country.as_str()),
                Value::OptText(row.reference.as_deref()),
                Value::Text(&row.search_text),
                Value::Text(&row.body),
                Value::Int(row.created_at),
                Value::Int(row.updated_at),
            ],
        )?;
        let seq = match rows.into_iter().next() {
            Some(mut r) => r.int(0)?,
            None => return Ok(None),
        };
        self.put_substance_keys(&row.id, &row.substance_keys)?;
        Ok(Some(seq))
    }

    /// Replaces an incident's content and sharing (the owner's change).
    pub fn update_incident(&mut self, row: &IncidentRow) -> Result<(), StoreError> {
        let operation = "update an incident (incidents)";
        self.require_writable(operation)?;
        let s = &row.sharing;
        let share_with = share_with_column(&s.share_with);
        let changed = self.execute(
            operation,
            "UPDATE incidents SET distribution = $2, share_with = $3, tlp = $4,
                 personal_data_distribution = $5, type = $6, date = $7, country = $8,
                 search_text = $9, body = $10, updated_at = $11,
                 change_seq = (SELECT COALESCE(MAX(c.change_seq), 0) + 1 FROM incidents c
                               WHERE c.change_seq > 0)
             WHERE id = $1 AND owner_organisation = $12",
            &[
                Value::Text(&row.id),
                Value::Text(s.distribution.as_str()),
                Value::Text(&share_with),
                Value::Text(s.tlp.as_str()),
                Value::Text(s.personal_data_distribution.as_str()),
                Value::Text(&row.kind),
                Value::Text(&row.date),
                Value::Text(row.country.as_str()),
                Value::Text(&row.search_text),
                Value::Text(&row.body),
                Value::Int(row.updated_at),
                Value::Text(&s.owner_organisation),
            ],
        )?;
        if changed != 1 {
            return Err(StoreError::NotFound {
                operation,
                what: "incident",
                id: row.id.clone(),
            });
        }
        self.execute(
            operation,
            "DELETE FROM incident_substances WHERE incident_id = $1",
            &[Value::Text(&row.id)],
        )?;
        self.put_substance_keys(&row.id, &row.substance_keys)
    }

    fn put_substance_keys(&mut self, id: &str, keys: &[String]) -> Result<(), StoreError> {
        let mut seen = std::collections::BTreeSet::new();
        for key in keys {
            if seen.insert(key.as_str()) {
                self.execute(
                    "index an incident's substances (incident_substances)",
                    // The incident's sequence number and date (migration 11) and country
                    // (migration 12) beside the key.
                    "INSERT INTO incident_substances (incident_id, key, incident_seq, date, country)
                     SELECT $1, $2, i.seq, i.date, i.country FROM incidents i WHERE i.id = $1",
                    &[Value::Text(id), Value::Text(key)],
                )?;
            }
        }
        Ok(())
    }

    /// One incident the caller may read, with its sequence number.
    pub fn incident(&mut self, id: &str) -> Result<Option<IncidentRow>, StoreError> {
        let operation = "read an incident (incidents)";
        let scope = self.caller_scope(operation)?;
        let sql = format!("SELECT {COLUMNS} FROM incidents i WHERE i.id = $4 AND {VISIBLE}");
        let country = scope.country.as_ref().map(|c| c.as_str());
        let rows = self.query(
            operation,
            &sql,
            &[
                Value::Text(&scope.organisation_id),
                Value::OptText(country),
                Value::Bool(scope.secretariat),
                Value::Text(id),
            ],
        )?;
        let Some(row) = rows.into_iter().next() else {
            return Ok(None);
        };
        let (_, mut incident) = incident_from(row)?;
        incident.substance_keys = self.substance_keys(&incident.id)?;
        Ok(Some(incident))
    }

    /// The stored bodies of those of these incidents the caller may read, by id (one it may
    /// not read, or that is gone, is absent). An audited read answered from a read
    /// transaction compares them, in the short write transaction appending its entries, with
    /// the bodies it read: equal, nothing it disclosed changed in between.
    pub fn incident_bodies(
        &mut self,
        ids: &[&str],
    ) -> Result<std::collections::HashMap<String, String>, StoreError> {
        let operation = "read incidents' bodies (incidents)";
        let scope = self.caller_scope(operation)?;
        let country = scope.country.as_ref().map(|c| c.as_str());
        let mut out = std::collections::HashMap::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let placeholders = (0..chunk.len())
                .map(|i| format!("${}", i + 4))
                .collect::<Vec<_>>()
                .join(", ");
            let sql = format!(
                "SELECT i.id, i.body FROM incidents i WHERE i.id IN ({placeholders}) AND {VISIBLE}"
            );
            let mut params = vec![
                Value::Text(&scope.organisation_id),
                Value::OptText(country),
                Value::Bool(scope.secretariat),
            ];
            params.extend(chunk.iter().map(|id| Value::Text(id)));
            for mut row in self.query(operation, &sql, &params)? {
                out.insert(row.text(0)?, row.text(1)?);
            }
        }
        Ok(out)
    }

    /// The incident of the caller's organisation with this reference, if any.
    pub fn incident_by_reference(
        &mut self,
        reference: &str,
    ) -> Result<Option<IncidentRow>, StoreError> {
        let operation = "find an incident by reference (incidents)";
        let scope = self.caller_scope(operation)?;
        let sql = format!(
            "SELECT {COLUMNS} FROM incidents i WHERE i.owner_organisation = $1 AND i.reference = $2"
        );
        let rows = self.query(
            operation,
            &sql,
            &[Value::Text(&scope.organisation_id), Value::Text(reference)],
        )?;
        match rows.into_iter().next() {
            Some(row) => Ok(Some(incident_from(row)?.1)),
            None => Ok(None),
        }
    }

    fn substance_keys(&mut self, id: &str) -> Result<Vec<String>, StoreError> {
        self.query(
            "read an incident's substances (incident_substances)",
            "SELECT key FROM incident_substances WHERE incident_id = $1 ORDER BY key",
            &[Value::Text(id)],
        )?
        .into_iter()
        .map(|mut r| r.text(0))
        .collect()
    }

    /// The incidents the caller may read that match `filter`, newest first: at most `limit`,
    /// starting below sequence number `before` (the page cursor). Returns them with their
    /// sequence numbers.
    ///
    /// Words of three characters or more are found through the trigram index of migration 10
    /// (FTS5 on SQLite; on PostgreSQL the GIN index, through `interdict_text_candidates`, as
    /// row-level security keeps the planner from using it directly) and checked with `LIKE` on
    /// every candidate, so the answer is the one `LIKE` alone gives.
    pub fn search_incidents(
        &mut self,
        filter: &IncidentFilter,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<(i64, IncidentRow)>, StoreError> {
        let operation = "search incidents (incidents)";
        let scope = self.caller_scope(operation)?;
        let limit = limit.min(10_000);
        let indexed_text = filter.text.as_deref().filter(|t| t.chars().count() >= 3);
        // A country's index (in sequence order) finds the newest rows of a country faster
        // than the words' index when both are asked: the words are checked on those rows.
        let indexed_text = indexed_text.filter(|_| filter.country.is_none());
        // On PostgreSQL, candidates by every filter when a column filter is asked, else by the
        // words alone, found by the owner's functions of migrations 12 and 10 (row-level
        // security keeps the planner from their indexes in a caller's transaction).
        let columns_asked = !filter.substance_keys.is_empty()
            || filter.country.is_some()
            || filter.kind.is_some()
            || filter.from.is_some()
            || filter.to.is_some();
        let candidates = match self.backend() {
            crate::Backend::Postgres if columns_asked => Some(Candidates::Filters),
            crate::Backend::Postgres => indexed_text.map(|t| Candidates::Words(like_pattern(t))),
            crate::Backend::Sqlite => None,
        };
        let keys = filter.substance_keys.join("\u{1f}");
        let pattern = filter.text.as_deref().map(like_pattern);
        let country = filter.country.as_ref().map(|c| c.as_str());
        let mut out = match (candidates, indexed_text) {
            (Some(candidates), _) => {
                // Candidates in growing chunks, newest first, until the page is full or none
                // are left.
                let mut out: Vec<(i64, IncidentRow)> = Vec::new();
                let mut below = before.unwrap_or(i64::MAX);
                let mut chunk = (limit * 4).max(200);
                while out.len() < limit {
                    let candidates: Vec<i64> = match &candidates {
                        Candidates::Words(pattern) => self.query(
                            operation,
                            "SELECT seq FROM interdict_text_candidates($1, $2, $3)",
                            &[
                                Value::Text(pattern),
                                Value::Int(below),
                                Value::Int(chunk as i64),
                            ],
                        )?,
                        Candidates::Filters => self.query(
                            operation,
                            "SELECT seq FROM interdict_filter_candidates($1, $2, $3, $4, $5, $6, \
                             $7, $8, $9)",
                            &[
                                Value::OptText(pattern.as_deref()),
                                Value::OptText(Some(keys.as_str()).filter(|k| !k.is_empty())),
                                Value::OptText(country),
                                Value::OptText(filter.kind.as_deref()),
                                Value::OptText(filter.from.as_deref()),
                                Value::OptText(filter.to.as_deref()),
                                Value::OptInt(filter.after_seq),
                                Value::Int(below),
                                Value::Int(chunk as i64),
                            ],
                        )?,
                    }
                    .into_iter()
                    .map(|mut r| r.int(0))
                    .collect::<Result<_, _>>()?;
                    let Some(&last) = candidates.last() else {
                        break;
                    };
                    let listed = candidates
                        .iter()
                        .map(i64::to_string)
                        .collect::<Vec<_>>()
                        .join(",");
                    let extra = Some((
                        "i.seq = ANY(string_to_array($X, ',')::bigint[])".to_string(),
                        listed,
                    ));
                    out.extend(self.search_page(
                        &scope,
                        filter,
                        None,
                        extra,
                        Some(below),
                        limit - out.len(),
                    )?);
                    if candidates.len() < chunk {
                        break;
                    }
                    below = last;
                    chunk = (chunk * 4).min(100_000);
                }
                out
            }
            // SQLite: the FTS5 index of migration 10 drives the statement itself.
            (None, Some(text)) => {
                let phrase = format!("\"{}\"", text.replace('"', "\"\""));
                self.search_page(&scope, filter, Some(phrase), None, before, limit)?
            }
            (None, None) => self.search_page(&scope, filter, None, None, before, limit)?,
        };
        self.fill_substance_keys(&mut out)?;
        Ok(out)
    }

    /// One statement of [`Tx::search_incidents`]: the filter, and on SQLite the FTS5 phrase
    /// the words must match (the index then drives the query, newest first), or an `extra`
    /// condition with one text parameter (`$X`).
    fn search_page(
        &mut self,
        scope: &Scope,
        filter: &IncidentFilter,
        fts_phrase: Option<String>,
        extra: Option<(String, String)>,
        before: Option<i64>,
        limit: usize,
    ) -> Result<Vec<(i64, IncidentRow)>, StoreError> {
        let operation = "search incidents (incidents)";
        let country = scope.country.as_ref().map(|c| c.as_str().to_string());
        let mut texts: Vec<String> = Vec::new();
        let mut conditions = vec![VISIBLE.to_string()];
        // Parameters from $4 on, in the order pushed.
        let next = |texts: &mut Vec<String>, value: String| {
            texts.push(value);
            format!("${}", texts.len() + 3)
        };
        let from = match (fts_phrase, extra) {
            (Some(phrase), extra) => {
                let p = next(&mut texts, phrase);
                conditions.push(format!("incidents_text MATCH {p}"));
                // (No caller gives both; the condition still holds if one does.)
                if let Some((condition, value)) = extra {
                    let p = next(&mut texts, value);
                    conditions.push(condition.replace("$X", &p));
                }
                // CROSS JOIN keeps the index outermost: rows come newest first from it.
                "incidents_text CROSS JOIN incidents i ON i.seq = incidents_text.rowid".to_string()
            }
            // The candidates' rows first, by sequence number (OFFSET 0 keeps the planner from
            // folding the filters below into the scan): given a country and dates it read that
            // country's rows of the range through their index under the policy (70 ms at a
            // million) rather than the 200 rows named.
            (None, Some((condition, value))) => {
                let p = next(&mut texts, value);
                format!(
                    "(SELECT * FROM incidents i WHERE {} OFFSET 0) i",
                    condition.replace("$X", &p)
                )
            }
            (None, None) => "incidents i".to_string(),
        };
        if !filter.substance_keys.is_empty() {
            let mut any = Vec::new();
            for key in &filter.substance_keys {
                any.push(next(&mut texts, key.clone()));
            }
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM incident_substances s WHERE s.incident_id = i.id AND s.key IN ({}))",
                any.join(", ")
            ));
        }
        if let Some(c) = &filter.country {
            let p = next(&mut texts, c.as_str().to_string());
            conditions.push(format!("i.country = {p}"));
        }
        if let Some(k) = &filter.kind {
            let p = next(&mut texts, k.clone());
            conditions.push(format!("i.type = {p}"));
        }
        if let Some(d) = &filter.from {
            let p = next(&mut texts, d.clone());
            conditions.push(format!("i.date >= {p}"));
        }
        if let Some(d) = &filter.to {
            let p = next(&mut texts, d.clone());
            conditions.push(format!("i.date <= {p}"));
        }
        if let Some(t) = &filter.text {
            let p = next(&mut texts, like_pattern(t));
            conditions.push(format!("i.search_text LIKE {p} ESCAPE '\\'"));
        }
        if let Some(o) = &filter.owner_organisation {
            let p = next(&mut texts, o.clone());
            conditions.push(format!("i.owner_organisation = {p}"));
        }
        let mut ints = Vec::new();
        if let Some(b) = before {
            ints.push(b);
            conditions.push(format!("i.seq < ${}", texts.len() + 3 + ints.len()));
        }
        if let Some(a) = filter.after_seq {
            ints.push(a);
            conditions.push(format!("i.seq > ${}", texts.len() + 3 + ints.len()));
        }
        let order = if from.starts_with("incidents_text") {
            "incidents_text.rowid"
        } else {
            "i.seq"
        };
        let sql = if order == "i.seq" && self.backend() == crate::Backend::Sqlite {
            // The page's sequence numbers first, then its rows: SQLite sorts what it selects,
            // and over a date range (an index in date order) that was every matching row
            // with its body; this way only the numbers, found in the index alone.
            format!(
                "SELECT {COLUMNS} FROM incidents i WHERE i.seq IN (SELECT i.seq FROM incidents i \
                 WHERE {} ORDER BY i.seq DESC LIMIT {limit}) ORDER BY i.seq DESC",
                conditions.join(" AND "),
            )
        } else {
            format!(
                "SELECT {COLUMNS} FROM {from} WHERE {} ORDER BY {order} DESC LIMIT {limit}",
                conditions.join(" AND "),
            )
        };
        let mut params = vec![
            Value::Text(&scope.organisation_id),
            Value::OptText(country.as_deref()),
            Value::Bool(scope.secretariat),
        ];
        params.extend(texts.iter().map(|t| Value::Text(t)));
        params.extend(ints.iter().map(|i| Value::Int(*i)));
        self.query(operation, &sql, &params)?
            .into_iter()
            .map(incident_from)
            .collect()
    }

    /// The substance keys of found incidents, read in a few statements rather than one per row.
    fn fill_substance_keys(&mut self, rows: &mut [(i64, IncidentRow)]) -> Result<(), StoreError> {
        let mut by_id: std::collections::HashMap<String, Vec<String>> =
            std::collections::HashMap::new();
        for chunk in rows.chunks(500) {
            let marks: Vec<String> = (1..=chunk.len()).map(|n| format!("${n}")).collect();
            let ids: Vec<Value> = chunk.iter().map(|(_, r)| Value::Text(&r.id)).collect();
            let sql = format!(
                "SELECT incident_id, key FROM incident_substances WHERE incident_id IN ({}) \
                 ORDER BY incident_id, key",
                marks.join(", ")
            );
            for mut r in self.query(
                "read incidents' substances (incident_substances)",
                &sql,
                &ids,
            )? {
                let id = r.text(0)?;
                by_id.entry(id).or_default().push(r.text(1)?);
            }
        }
        for (_, row) in rows.iter_mut() {
            row.substance_keys = by_id.remove(&row.id).unwrap_or_default();
        }
        Ok(())
    }

    /// The version of the incidents for caches kept by the platform itself: the highest
    /// sequence number, and the number of the latest change of an existing incident (an
    /// appended incident moves the first; a changed one, the second: changes are numbered from
    /// 1, one after another, by [`Tx::update_incident`]). Two index look-ups (the primary key,
    /// and the partial index of changed incidents of migration 11), not a count of every row:
    /// alert feeds and flows ask before every answer.
    pub fn incidents_version(&mut self) -> Result<(i64, i64), StoreError> {
        let mut rows = self.query(
            "read the incidents' version (incidents)",
            "SELECT (SELECT COALESCE(MAX(seq), 0) FROM incidents),
                 (SELECT COALESCE(MAX(change_seq), 0) FROM incidents WHERE change_seq > 0)",
            &[],
        )?;
        match rows.pop() {
            Some(mut r) => Ok((r.int(0)?, r.int(1)?)),
            None => Ok((0, 0)),
        }
    }

    /// Every incident as stored (without its substance keys), in creation order, whoever owns
    /// it: for the platform's own checks (`audit verify`), never for a caller.
    pub fn incidents_unscoped(&mut self) -> Result<Vec<IncidentRow>, StoreError> {
        let rows = self.unscoped("read every incident (incidents)", "", "", &[])?;
        Ok(rows.into_iter().map(|(_, row)| row).collect())
    }

    /// Incidents whoever owns them, in sequence order, `WHERE` `condition` (or all) with
    /// `tail` after the order: the platform's own reads, never a caller's.
    fn unscoped(
        &mut self,
        operation: &'static str,
        condition: &str,
        tail: &str,
        params: &[Value<'_>],
    ) -> Result<Vec<(i64, IncidentRow)>, StoreError> {
        let sql = format!("SELECT {COLUMNS} FROM incidents i {condition} ORDER BY i.seq {tail}");
        self.query(operation, &sql, params)?
            .into_iter()
            .map(incident_from)
            .collect()
    }

    /// Up to `limit` incidents with a sequence number above `after_seq`, in sequence order,
    /// whoever owns them, with their sharing: for the platform's own caches (the alert feeds),
    /// which answer a caller only through `interdict_domain::sharing::reaches` over each row's
    /// sharing — the rule this module's SQL mirrors — never for a caller directly.
    pub fn incidents_unscoped_after(
        &mut self,
        after_seq: i64,
        limit: usize,
    ) -> Result<Vec<(i64, IncidentRow)>, StoreError> {
        self.unscoped(
            "read incidents in sequence order (incidents)",
            "WHERE i.seq > $1",
            "LIMIT $2",
            &[Value::Int(after_seq), Value::Int(limit.min(100_000) as i64)],
        )
    }

    /// The incidents changed after change number `since` (see [`Tx::incidents_version`]), in
    /// sequence order, whoever owns them: for the platform's own caches, as
    /// [`Tx::incidents_unscoped_after`] (through the partial index of migration 11).
    pub fn incidents_changed_unscoped(
        &mut self,
        since: i64,
    ) -> Result<Vec<(i64, IncidentRow)>, StoreError> {
        self.unscoped(
            "read changed incidents (incidents)",
            "WHERE i.change_seq > $1",
            "",
            &[Value::Int(since)],
        )
    }

    /// The ids of incidents this transaction can see **without the application's filter**:
    /// only row-level security (PostgreSQL) stands between it and every row. For the test that
    /// shows the second wall holds; never used to answer a caller.
    #[doc(hidden)]
    pub fn incident_ids_without_filter(&mut self) -> Result<Vec<String>, StoreError> {
        self.query(
            "read incidents without the application's filter (incidents)",
            "SELECT id FROM incidents ORDER BY seq",
            &[],
        )?
        .into_iter()
        .map(|mut r| r.text(0))
        .collect()
    }

    /// Stores an attachment's content (once per content hash) and its record. `false`: an
    /// attachment of this id was stored already (the same content attached to the same
    /// incident by a transaction that committed first); nothing is stored then.
    pub fn insert_attachment(
        &mut self,
        row: &AttachmentRow,
        content: &[u8],
    ) -> Result<bool, StoreError> {
        let operation = "insert an attachment (attachments)";
        self.require_writable(operation)?;
        let inserted = self.execute(
            operation,
            "INSERT INTO attachments (id, incident_id, sha256, media_type, size, filename, body, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
             ON CONFLICT (id) DO NOTHING",
            &[
                Value::Text(&row.id),
                Value::Text(&row.incident_id),
                Value::Text(&row.sha256),
                Value::Text(&row.media_type),
                Value::Int(row.size),
                Value::OptText(row.filename.as_deref()),
                Value::Text(&row.body),
                Value::Int(row.created_at),
            ],
        )?;
        if inserted == 0 {
            return Ok(false);
        }
        // The record first: on PostgreSQL, `INSERT … ON CONFLICT` checks the new blob against
        // the blobs' read policy too (row-level security, migration 6), which lets a caller
        // see a blob only through a visible attachment of it.
        self.execute(
            operation,
            "INSERT INTO attachment_blobs (sha256, content) VALUES ($1, $2)
             ON CONFLICT (sha256) DO NOTHING",
            &[Value::Text(&row.sha256), Value::Bytes(content)],
        )?;
        Ok(true)
    }

    /// The attachments of an incident (the caller has read the incident first).
    pub fn attachments_of(&mut self, incident_id: &str) -> Result<Vec<AttachmentRow>, StoreError> {
        self.query(
            "read attachments (attachments)",
            "SELECT id, incident_id, sha256, media_type, size, filename, body, created_at
             FROM attachments WHERE incident_id = $1 ORDER BY created_at, id",
            &[Value::Text(incident_id)],
        )?
        .into_iter()
        .map(attachment_from)
        .collect()
    }

    /// An attachment of an incident with the same content hash, if one was stored.
    pub fn attachment_by_hash(
        &mut self,
        incident_id: &str,
        sha256: &str,
    ) -> Result<Option<AttachmentRow>, StoreError> {
        self.query(
            "read an attachment (attachments)",
            "SELECT id, incident_id, sha256, media_type, size, filename, body, created_at
             FROM attachments WHERE incident_id = $1 AND sha256 = $2",
            &[Value::Text(incident_id), Value::Text(sha256)],
        )?
        .into_iter()
        .next()
        .map(attachment_from)
        .transpose()
    }

    /// An attachment's content by hash.
    pub fn attachment_content(&mut self, sha256: &str) -> Result<Option<Vec<u8>>, StoreError> {
        self.query(
            "read an attachment's content (attachment_blobs)",
            "SELECT content FROM attachment_blobs WHERE sha256 = $1",
            &[Value::Text(sha256)],
        )?
        .into_iter()
        .next()
        .map(|mut r| r.bytes(0))
        .transpose()
    }

    /// Every attachment as stored, whoever owns it (`audit verify`).
    pub fn attachments_unscoped(&mut self) -> Result<Vec<AttachmentRow>, StoreError> {
        self.query(
            "read every attachment (attachments)",
            "SELECT id, incident_id, sha256, media_type, size, filename, body, created_at
             FROM attachments ORDER BY created_at, id",
            &[],
        )?
        .into_iter()
        .map(attachment_from)
        .collect()
    }
}

fn incident_from(mut r: crate::sql::Row) -> Result<(i64, IncidentRow), StoreError> {
    let seq = r.int(0)?;
    let id = r.text(1)?;
    let owner_organisation = r.text(2)?;
    let owner_country: Option<CountryCode> = match r.opt_text(3)? {
        Some(c) => Some(CountryCode::parse(&c).map_err(|_| corrupt_word(&r, "country code", &c))?),
        None => None,
    };
    let distribution: Distribution = r.parsed(4, "distribution")?;
    let share_with = r
        .text(5)?
        .split(',')
        .filter(|c| !c.is_empty())
        .map(|c| CountryCode::parse(c).map_err(|_| corrupt_word(&r, "country code", c)))
        .collect::<Result<Vec<_>, _>>()?;
    let tlp: Tlp = r.parsed(6, "TLP")?;
    let personal_data_distribution: Distribution = r.parsed(7, "distribution")?;
    let kind = r.text(8)?;
    let date = r.text(9)?;
    let country_text = r.text(10)?;
    let country = CountryCode::parse(&country_text)
        .map_err(|_| corrupt_word(&r, "country code", &country_text))?;
    Ok((
        seq,
        IncidentRow {
            id,
            sharing: Sharing {
                owner_organisation,
                owner_country,
                distribution,
                share_with,
                tlp,
                personal_data_distribution,
            },
            kind,
            date,
            country,
            reference: r.opt_text(11)?,
            search_text: r.text(12)?,
            substance_keys: Vec::new(),
            body: r.text(13)?,
            created_at: r.int(14)?,
            updated_at: r.int(15)?,
        },
    ))
}

fn corrupt_word(r: &crate::sql::Row, what: &str, value: &str) -> StoreError {
    StoreError::Corrupt {
        backend: r.backend,
        operation: r.operation,
        detail: format!(
            "`{}` is not a valid {what}",
            interdict_core::text::clip(value, 40)
        ),
    }
}

fn attachment_from(mut r: crate::sql::Row) -> Result<AttachmentRow, StoreError> {
    Ok(AttachmentRow {
        id: r.text(0)?,
        incident_id: r.text(1)?,
        sha256: r.text(2)?,
        media_type: r.text(3)?,
        size: r.int(4)?,
        filename: r.opt_text(5)?,
        body: r.text(6)?,
        created_at: r.int(7)?,
    })
}
