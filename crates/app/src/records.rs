//! The JSON of stored shared records as the audit log hashes them: the columns the queries
//! filter on, written back into the record, so a record's hash covers who may see it (used
//! when a record is stored, and by `audit verify` to recompute it from the row).

use interdict_domain::sharing::Sharing;
use serde_json::{json, Map, Value};

/// The fields of an incident's record that the store keeps in columns too, where its queries
/// and PostgreSQL's row-level security decide who reads the record: owner and sharing. Written
/// from the one [`Sharing`], so the body and the columns agree; `audit verify` writes them
/// again from the columns, so that a column changed in the database shows as a changed record.
pub(crate) fn put_sharing(record: &mut Map<String, Value>, sharing: &Sharing) {
    record.insert("organisation".into(), json!(sharing.owner_organisation));
    record.insert("owner_country".into(), json!(sharing.owner_country));
    record.insert("distribution".into(), json!(sharing.distribution));
    record.insert("share_with".into(), json!(sharing.share_with));
    record.insert("tlp".into(), json!(sharing.tlp));
    record.insert(
        "personal_data_distribution".into(),
        json!(sharing.personal_data_distribution),
    );
}

/// The fields of an attachment's record that the store keeps in columns too (which incident
/// it belongs to, so who reads it; which content is served, and as what), with `sha256` the
/// hash of the content as stored (`None`: it is missing). As [`put_sharing`], for `audit
/// verify`.
pub(crate) fn put_attachment_columns(
    record: &mut Map<String, Value>,
    row: &interdict_store::AttachmentRow,
    content_sha256: Option<&str>,
) {
    record.insert("incident".into(), json!(row.incident_id));
    record.insert("sha256".into(), json!(content_sha256));
    record.insert("media_type".into(), json!(row.media_type));
    record.insert("size".into(), json!(row.size));
    record.insert("filename".into(), json!(row.filename));
}

/// The resource name of a notification in the log.
pub fn pen_resource(id: &str) -> String {
    format!("pens/{id}")
}

/// The resource name of a label key in the log.
pub fn key_resource(key_id: &str) -> String {
    format!("keys/{key_id}")
}

/// A label key in its published form (`GET /api/v1/keys`), which is also what the log hashes.
pub(crate) fn published_key(
    row: &interdict_store::AuthorityKeyRow,
) -> interdict_label::PublishedKey {
    interdict_label::PublishedKey {
        key_id: row.key_id.clone(),
        organisation: row.organisation.clone(),
        country: row.country.as_str().to_string(),
        public_key: row.public_key.clone(),
        valid_from: row.valid_from.clone(),
        revoked_at: row.revoked_at.clone(),
    }
}

/// The notification columns `audit verify` writes back into the record: status, deadline and
/// the countries that decide who sees it.
pub(crate) fn put_pen_columns(record: &mut Map<String, Value>, row: &interdict_store::PenRow) {
    record.insert("status".into(), json!(row.status));
    record.insert("reply_deadline".into(), json!(row.reply_deadline));
    record.insert("exporting_country".into(), json!(row.exporting_country));
    record.insert("importing_country".into(), json!(row.importing_country));
    record.insert("transit_countries".into(), json!(row.transit_countries));
}
