//! The platform's tables: incidents, pre-export notifications and flow edges, read from the
//! records as `crates/app` writes them (`incidents.rs`, `pens.rs`) and the edges of
//! `GET /api/v1/flows`.
//!
//! Only fields that every record carries are declared not null (ids, types, dates, countries,
//! sharing); everything else may be null. Lists over `[]` are never null (an absent array is an
//! empty list).

use crate::table::{Column, ColumnType, Table};

use ColumnType::{Bool, Date, Float, Int, Text, TextList, Timestamp};

fn col(name: &str, kind: ColumnType, nullable: bool, path: &str) -> Column {
    Column::new(name, kind, nullable, path)
}

/// Incidents, one row each. The substance lists run over `substances` in order, so item *i*
/// of `substance_ids` and `substance_names` is the *i*-th substance reported (null where it
/// was not identified); `classes` are the classes of all of them, in order, repeats kept.
/// `total_quantity_kg` sums the quantities given in kg (`substances[].quantity_kg`), null when
/// none was.
pub fn incidents_table() -> Table {
    Table {
        name: "incidents".into(),
        columns: vec![
            col("id", Text, false, "id"),
            col("type", Text, false, "type"),
            col("date", Date, false, "date"),
            col("country", Text, false, "country"),
            col("place_locode", Text, true, "place.locode"),
            col("place_lat", Float, true, "place.lat"),
            col("place_lon", Float, true, "place.lon"),
            col("origin_country", Text, true, "origin_country"),
            col("destination_country", Text, true, "destination_country"),
            col("transit_countries", TextList, false, "transit_countries[]"),
            col(
                "substance_ids",
                TextList,
                false,
                "substances[].resolved.substance_id",
            ),
            col(
                "substance_names",
                TextList,
                false,
                "substances[].resolved.name",
            ),
            col(
                "classes",
                TextList,
                false,
                "substances[].resolved.classes[]",
            ),
            col("total_quantity_kg", Float, true, "substances[].quantity_kg"),
            col("distribution", Text, false, "distribution"),
            col("tlp", Text, false, "tlp"),
            col("organisation", Text, false, "organisation"),
            col("reported_by", Text, true, "reported_by"),
            col("created_at", Timestamp, false, "created_at"),
            col("updated_at", Timestamp, true, "updated_at"),
        ],
    }
}

/// Pre-export notifications, one row each: as filed on the platform or imported.
/// `quantity_kg` is the consignment, `substance_kg` the controlled substance in it,
/// `shipped_kg` what the shipment carried (`shipment.actual_kg`).
pub fn pens_table() -> Table {
    Table {
        name: "pens".into(),
        columns: vec![
            col("id", Text, false, "id"),
            col("status", Text, false, "status"),
            col("by_silence", Bool, false, "by_silence"),
            col("source", Text, true, "source"),
            col("exporting_country", Text, false, "exporting_country"),
            col("importing_country", Text, false, "importing_country"),
            col("transit_countries", TextList, false, "transit_countries[]"),
            col("substance_id", Text, true, "substance.substance_id"),
            col("cas", Text, true, "substance.cas"),
            col("substance_name", Text, true, "substance.name"),
            col("quantity_kg", Float, true, "quantity_kg"),
            col("substance_kg", Float, true, "substance_kg"),
            col("sent_at", Timestamp, false, "sent_at"),
            col("reply_deadline", Date, true, "reply_deadline"),
            col("answered_at", Timestamp, true, "answered_at"),
            col("shipped_on", Date, true, "shipment.shipped_on"),
            col("shipped_kg", Float, true, "shipment.actual_kg"),
        ],
    }
}

/// Flow edges (`GET /api/v1/flows`), one row per corridor. `from` and `to` are named
/// `from_country` and `to_country` in the file, because `FROM` and `TO` are SQL keywords that
/// every query would have to quote; `substances` are the edge's substance ids.
pub fn flows_table() -> Table {
    Table {
        name: "flows".into(),
        columns: vec![
            col("from_country", Text, false, "from"),
            col("to_country", Text, false, "to"),
            col("via", TextList, false, "via[]"),
            col("notifications", Int, false, "notifications"),
            col("incidents", Int, false, "incidents"),
            col("quantity_kg", Float, true, "quantity_kg"),
            col("substances", TextList, false, "substances[]"),
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_platform_tables_are_well_formed() {
        for t in [incidents_table(), pens_table(), flows_table()] {
            assert_eq!(t.check(), Ok(()), "{}", t.name);
        }
    }
}
