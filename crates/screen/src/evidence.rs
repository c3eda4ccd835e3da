//! The typed evidence of each flag ([`Evidence`]'s variants), written as the contract's JSON
//! (`shared/spec/declarations.md`).
//!
//! One struct (or enum of structs) per flag; their field order is the order in which the JSON
//! object is written, so it must not be changed casually. The types live here, below both the
//! checks that build them and [`crate::flag`] that carries them, so that every arrow between the
//! crate's modules points one way.

use std::collections::BTreeMap;

use interdict_core::{CountryCode, Date};
use interdict_registry::Cas;
use serde::Serialize;

use crate::context::{Pen, RouteRule};

/// What made a substance count as identified. Written in lower case (`"synonym"`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchedOn {
    /// A CAS number, in the description or declared.
    Cas,
    Name,
    Synonym,
    /// A name written with a typo.
    Fuzzy,
    /// A SMILES in the description with the substance's structure.
    Structure,
}

impl From<interdict_registry::MatchedOn> for MatchedOn {
    fn from(m: interdict_registry::MatchedOn) -> MatchedOn {
        match m {
            interdict_registry::MatchedOn::Cas => MatchedOn::Cas,
            interdict_registry::MatchedOn::Name => MatchedOn::Name,
            interdict_registry::MatchedOn::Synonym => MatchedOn::Synonym,
            interdict_registry::MatchedOn::Fuzzy => MatchedOn::Fuzzy,
        }
    }
}

/// Evidence of CONTROLLED_PRECURSOR and CONTROLLED_DRUG.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ControlledSubstance {
    pub substance_id: String,
    pub name: String,
    pub cas: Option<Cas>,
    /// The control lists (`UN-1988-TABLE-I`), those of the shipment's countries first.
    pub controls: Vec<String>,
    /// The controls in force in the exporting, importing and transit countries.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub shipment_controls: Vec<ShipmentControl>,
    pub matched_on: MatchedOn,
    pub confidence: f64,
}

/// A control of a listed substance in force in a country of the shipment, with what the officer
/// needs to act on it: the list's name, the entry, and where the registry has it from.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ShipmentControl {
    pub list: String,
    pub country: String,
    /// `exporting`, `importing` or `transit`.
    pub role: &'static str,
    /// The list's name (`India NDPS Act, Schedule of psychotropic substances`).
    pub name: String,
    /// The entry on the list (`Schedule entry 110Y (psychotropic substance)`).
    pub entry: String,
    /// The registry's source for this listing (`data/controls.csv`, column `source`).
    pub source: String,
}

/// How the goods were found to be inside a class: by their words or by a structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Method {
    Name,
    Structure,
}

/// Evidence of CLASS_ANALOG.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum ClassAnalog {
    /// The description names a relative (`para-chloroisobutyryl fentanyl`) of a listed drug.
    Relative {
        matched_text: String,
        /// The registry id of the listed drug.
        parent: String,
        relation: String,
        class: String,
        basis: String,
        method: Method,
    },
    /// A SMILES in the description falls inside a legal class definition.
    Structure {
        smiles: String,
        canonical_smiles: String,
        definition: &'static str,
        clauses: Vec<String>,
        /// Clause → the atoms that satisfy it.
        atoms: BTreeMap<String, Vec<usize>>,
        class: &'static str,
        basis: String,
        method: Method,
    },
    /// A SMILES with the parent skeleton of a class definition whose modification lies under
    /// clauses that were not retrieved: held for legal confirmation, never passed quietly.
    Undecided {
        smiles: String,
        canonical_smiles: String,
        definition: &'static str,
        /// The clauses checked and satisfied, each with what satisfies it.
        clauses_checked: Vec<String>,
        /// The modification no retrieved clause covers.
        unretrieved: String,
        /// Always `legal confirmation needed`.
        status: &'static str,
        class: &'static str,
        basis: String,
        method: Method,
    },
    /// A name built on a class stem (`…nitazene`) that no listed substance explains.
    ClassName {
        matched_text: String,
        class: String,
        basis: String,
        method: Method,
    },
}

/// Evidence of DESIGNER_PRECURSOR.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DesignerPrecursor {
    /// The description names a relative (`1-Cbz-4-piperidone`) of a controlled precursor.
    Relative {
        matched_text: String,
        precursor: String,
        precursor_name: String,
        precursor_cas: Option<Cas>,
        relation: String,
        controls: Vec<String>,
    },
    /// A SMILES in the description is one or two steps from a controlled precursor.
    Structure {
        smiles: String,
        canonical_smiles: String,
        precursor: String,
        precursor_name: String,
        precursor_cas: Option<String>,
        relation: String,
        method: Method,
    },
}

/// Evidence of HS_MISMATCH.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct HsMismatch {
    /// The declared code, digits only.
    pub declared: String,
    pub expected_hs2022: Option<String>,
    pub substance_id: String,
    /// The substance's national tariff codes.
    pub national_codes: Vec<NationalCode>,
}

/// A national tariff code of a substance.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct NationalCode {
    pub country: String,
    pub code: String,
}

/// Evidence of CAS_INVALID.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CasInvalid {
    /// The `cas_number` field.
    Declared {
        /// As declared.
        cas_number: String,
        reason: String,
    },
    /// A CAS-like number in the goods description.
    InDescription { cas_in_description: String },
}

/// Evidence of CAS_NAME_CONFLICT.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum CasNameConflict {
    /// The declared CAS number against the description.
    Declared {
        cas_number: Cas,
        /// The registry substance of the CAS number, if it is one.
        cas_substance: Option<String>,
        /// Registry ids the words name.
        description_substances: Vec<String>,
        goods_description: String,
    },
    /// A CAS number cited in the description against the description's words.
    InDescription {
        cas_substances: Vec<String>,
        description_substances: Vec<String>,
    },
}

/// Evidence of VAGUE_DESCRIPTION.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct VagueDescription {
    pub goods_description: String,
    pub hs_code: Option<String>,
}

/// Evidence of TABLETING_MACHINE.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TabletingMachine {
    /// The words that name the equipment.
    pub matched_text: String,
    pub hs_code: Option<String>,
}

/// A party's part in the consignment, as the declaration names it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PartyRole {
    Exporter,
    Importer,
    Consignee,
    NotifyParty,
}

impl PartyRole {
    pub fn as_str(self) -> &'static str {
        match self {
            PartyRole::Exporter => "exporter",
            PartyRole::Importer => "importer",
            PartyRole::Consignee => "consignee",
            PartyRole::NotifyParty => "notify_party",
        }
    }
}

impl std::fmt::Display for PartyRole {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Evidence of WATCHLIST_PARTY: the party and its best match. Unlike [`crate::PartyHit`], the
/// explanation is always written.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct WatchlistParty {
    pub role: PartyRole,
    pub name: String,
    pub list: String,
    pub entity_id: String,
    pub matched_name: String,
    pub score: f64,
    pub programs: Vec<String>,
    pub explanation: String,
}

/// Evidence of ALR_EXCEEDED.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct AlrExceeded {
    pub importer_country: CountryCode,
    /// The registry id (or the CAS number, for a substance the registry does not know).
    pub substance_id: String,
    /// The CAS number the requirement was given under.
    pub cas: Cas,
    pub year: i32,
    pub alr_kg: f64,
    pub earlier_imports_kg: f64,
    pub this_declaration_kg: f64,
    pub total_kg: f64,
    /// Empty, or says that litres were counted as kilograms.
    pub note: &'static str,
}

/// Why the PENs on file do not cover an export.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
pub enum PenProblem {
    #[serde(rename = "unknown")]
    Unknown,
    #[serde(rename = "objection")]
    Objection,
    #[serde(rename = "withdrawn")]
    Withdrawn,
    #[serde(rename = "expired")]
    Expired,
    #[serde(rename = "stopped")]
    Stopped,
    #[serde(rename = "not cleared")]
    NotCleared,
    #[serde(rename = "other substance")]
    OtherSubstance,
    #[serde(rename = "other country pair")]
    OtherCountryPair,
    #[serde(rename = "quantity exceeds PEN")]
    QuantityExceedsPen,
}

/// Evidence of NO_PEN.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum NoPen {
    /// The declaration cites no PEN.
    Missing {
        /// Written `null`: no reference was given.
        pen_reference: (),
        substance_id: String,
    },
    /// The cited PEN is not on file.
    Unknown {
        pen_reference: String,
        reason: PenProblem,
    },
    /// The cited PEN is on file but does not cover this export.
    NotCovering {
        pen_reference: String,
        reason: PenProblem,
        pen: Box<Pen>,
        declared: DeclaredExport,
    },
}

/// What the declaration says about the export, beside the PEN it cites.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct DeclaredExport {
    pub date: Date,
    pub exporter_country: CountryCode,
    pub importer_country: CountryCode,
    pub substance_id: String,
    pub cas: Option<Cas>,
    pub quantity_kg: Option<f64>,
}

/// Evidence of ROUTE_RISK.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct RouteRisk {
    /// The rules the route breaks, in the order of the route-risk file.
    pub rules: Vec<RouteRule>,
    pub transit_countries: Vec<CountryCode>,
    pub port_of_loading: Option<String>,
    pub port_of_discharge: Option<String>,
}

/// What a flag rests on, one shape per flag (see each struct for its fields). Written as the
/// inner object, without a tag: the flag's code already says which shape it is.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Evidence {
    /// `CONTROLLED_PRECURSOR`, `CONTROLLED_DRUG`.
    ControlledSubstance(ControlledSubstance),
    ClassAnalog(ClassAnalog),
    DesignerPrecursor(DesignerPrecursor),
    HsMismatch(HsMismatch),
    CasInvalid(CasInvalid),
    CasNameConflict(CasNameConflict),
    VagueDescription(VagueDescription),
    WatchlistParty(WatchlistParty),
    AlrExceeded(AlrExceeded),
    NoPen(NoPen),
    TabletingMachine(TabletingMachine),
    RouteRisk(RouteRisk),
}

/// `impl From<X> for Evidence` for each evidence type.
macro_rules! evidence_from {
    ($($variant:ident),* $(,)?) => {
        $(impl From<$variant> for Evidence {
            fn from(e: $variant) -> Evidence {
                Evidence::$variant(e)
            }
        })*
    };
}

evidence_from!(
    ControlledSubstance,
    ClassAnalog,
    DesignerPrecursor,
    HsMismatch,
    CasInvalid,
    CasNameConflict,
    VagueDescription,
    WatchlistParty,
    AlrExceeded,
    NoPen,
    TabletingMachine,
    RouteRisk,
);
