//! Schemas of answers whose wire types live in `interdict-types` and the engines, for the
//! OpenAPI document: they name the fields a client may rely on; answers may carry more.

use serde::Serialize;
use utoipa::ToSchema;

/// `{"error": {"code", "message", "details"}}`.
#[derive(Serialize, ToSchema)]
pub struct ErrorDoc {
    pub error: ErrorBodyDoc,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorBodyDoc {
    /// bad_request, unauthenticated, forbidden, not_found, conflict, payload_too_large,
    /// unprocessable, rate_limited, unavailable or internal.
    pub code: String,
    pub message: String,
    /// For bad_request: `{"field": "…"}`.
    #[schema(value_type = Object)]
    pub details: serde_json::Value,
}

/// A substance match of `identify`.
#[derive(Serialize, ToSchema)]
pub struct SubstanceMatchDoc {
    pub substance_id: String,
    pub name: String,
    #[schema(nullable = true)]
    pub cas: Option<String>,
    pub controls: Vec<String>,
    pub score: f64,
    pub matched_on: String,
    pub matched_text: String,
}

/// The answer of `identify` for one text.
#[derive(Serialize, ToSchema)]
pub struct IdentificationDoc {
    pub input: String,
    pub matches: Vec<SubstanceMatchDoc>,
}

/// The answer of `classify` for one structure.
#[derive(Serialize, ToSchema)]
pub struct ClassificationDoc {
    pub input: String,
    pub canonical_smiles: String,
    #[schema(value_type = Vec<Object>)]
    pub listed: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub classes: Vec<serde_json::Value>,
}

/// One watchlist match.
#[derive(Serialize, ToSchema)]
pub struct PartyMatchDoc {
    pub list: String,
    pub entity_id: String,
    pub name: String,
    pub matched_name: String,
    pub score: f64,
    pub programs: Vec<String>,
    pub countries: Vec<String>,
    pub explanation: String,
}

#[derive(Serialize, ToSchema)]
pub struct PartyQueryDoc {
    pub name: String,
    #[schema(nullable = true)]
    pub country: Option<String>,
}

/// The answer of `parties/match` for one name.
#[derive(Serialize, ToSchema)]
pub struct PartyResultDoc {
    pub query: PartyQueryDoc,
    pub matches: Vec<PartyMatchDoc>,
}

/// A substance in a list.
#[derive(Serialize, ToSchema)]
pub struct SubstanceSummaryDoc {
    pub substance_id: String,
    pub name: String,
    /// precursor or drug.
    pub category: String,
    #[schema(nullable = true)]
    pub cas: Option<String>,
    #[schema(nullable = true)]
    pub hs2022: Option<String>,
    pub inchikey: String,
    pub controls: Vec<String>,
    pub score: Option<f64>,
}

#[derive(Serialize, ToSchema)]
pub struct SubstancePageDoc {
    pub items: Vec<SubstanceSummaryDoc>,
    #[schema(nullable = true)]
    pub next_cursor: Option<String>,
}

/// A substance with its names, forms and controls.
#[derive(Serialize, ToSchema)]
pub struct SubstanceDoc {
    pub id: String,
    pub name: String,
    pub category: String,
    #[schema(value_type = Vec<Object>)]
    pub synonyms: Vec<serde_json::Value>,
    #[schema(value_type = Vec<Object>)]
    pub controls: Vec<serde_json::Value>,
}

/// A watchlist snapshot.
#[derive(Serialize, ToSchema)]
pub struct ListDoc {
    pub name: String,
    pub format: String,
    pub source: String,
    pub imported_at: String,
    pub checksum: String,
    pub records: i64,
}

#[derive(Serialize, ToSchema)]
pub struct ListPageDoc {
    pub items: Vec<ListDoc>,
    #[schema(nullable = true)]
    pub next_cursor: Option<String>,
}

#[derive(Serialize, ToSchema)]
pub struct ImportDoc {
    pub list: String,
    pub format: String,
    pub entities: usize,
    pub names: usize,
    pub checksum: String,
    pub imported_at: String,
}

/// A page of a list: `{"items": […], "next_cursor": "…" | null}`.
#[derive(Serialize, ToSchema)]
pub struct PageDoc {
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<serde_json::Value>,
    #[schema(nullable = true)]
    pub next_cursor: Option<String>,
}

/// Who can read a record.
#[derive(Serialize, ToSchema)]
pub struct VisibilityDoc {
    /// Ids of the organisations that may read it.
    pub organisations: Vec<String>,
    /// Countries whose organisations may read it.
    pub countries: Vec<String>,
    /// Why, in words.
    pub why: String,
}

/// An attachment's record.
#[derive(Serialize, ToSchema)]
pub struct AttachmentDoc {
    pub id: String,
    pub incident: String,
    pub sha256: String,
    pub media_type: String,
    pub size: u64,
    #[schema(nullable = true)]
    pub filename: Option<String>,
    pub created_at: String,
}

/// A signed checkpoint of the audit log.
#[derive(Serialize, ToSchema)]
pub struct CheckpointDoc {
    pub tree_size: u64,
    pub root_hash: String,
    pub timestamp: String,
    pub key_id: String,
    pub public_key: String,
    pub signature: String,
}

/// An RFC 9162 inclusion proof.
#[derive(Serialize, ToSchema)]
pub struct InclusionDoc {
    pub leaf_index: u64,
    pub tree_size: u64,
    pub audit_path: Vec<String>,
}

/// An RFC 9162 consistency proof.
#[derive(Serialize, ToSchema)]
pub struct ConsistencyDoc {
    pub from: u64,
    pub to: u64,
    pub proof: Vec<String>,
}
