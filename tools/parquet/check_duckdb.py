#!/usr/bin/env python3
"""Reads Parquet files with DuckDB, an independent reader of what interdict-parquet writes.

Usage: check_duckdb.py FILE [FILE ...] [--rows]

Prints one JSON object per file on its own line:
  {"file", "rows", "row_groups", "columns": [{"name", "type", "nullable"}], "rows_read": [...]}
`type` is DuckDB's name for the column's type (VARCHAR, BIGINT, DOUBLE, BOOLEAN, DATE,
TIMESTAMP WITH TIME ZONE, VARCHAR[]); `nullable` is whether the file's schema lets the
column be null (Parquet repetition OPTIONAL). With --rows, every row is printed too, as DuckDB
reads it: dates as YYYY-MM-DD, instants as milliseconds since the epoch (UTC), lists as
arrays. Exits non-zero when a file cannot be read.
"""

import json
import sys

import duckdb


def quote(name):
    return '"' + name.replace('"', '""') + '"'


def main(argv):
    want_rows = "--rows" in argv
    files = [a for a in argv if a != "--rows"]
    if not files:
        print(__doc__, file=sys.stderr)
        return 2
    con = duckdb.connect()
    for path in files:
        lit = "'" + path.replace("'", "''") + "'"
        described = con.execute(f"DESCRIBE SELECT * FROM read_parquet({lit})").fetchall()
        columns = [{"name": r[0], "type": r[1]} for r in described]
        # The file's own schema, depth first: the root, then each top-level column with its
        # children; OPTIONAL (may be null) or REQUIRED.
        schema = con.execute(
            f"SELECT name, repetition_type, num_children FROM parquet_schema({lit})"
        ).fetchall()
        repetition = {}
        at = 1

        def skip(i):
            # The index after the node at i and all its descendants.
            children = schema[i][2] or 0
            i += 1
            for _ in range(children):
                i = skip(i)
            return i

        for _ in range(schema[0][2] or 0):
            repetition[schema[at][0]] = schema[at][1]
            at = skip(at)
        for c in columns:
            c["nullable"] = repetition.get(c["name"]) != "REQUIRED"
        rows = con.execute(f"SELECT count(*) FROM read_parquet({lit})").fetchone()[0]
        row_groups = con.execute(
            f"SELECT count(DISTINCT row_group_id) FROM parquet_metadata({lit})"
        ).fetchone()[0]
        out = {
            "file": path,
            "rows": rows,
            "row_groups": row_groups,
            "columns": columns,
        }
        if want_rows:
            select = []
            for c in columns:
                q = quote(c["name"])
                if c["type"].startswith("TIMESTAMP"):
                    select.append(f"epoch_ms({q}) AS {q}")
                elif c["type"] == "DATE":
                    select.append(f"strftime({q}, '%Y-%m-%d') AS {q}")
                else:
                    select.append(q)
            result = con.execute(
                f"SELECT {', '.join(select)} FROM read_parquet({lit}, file_row_number = true) "
                "ORDER BY file_row_number"
            )
            names = [d[0] for d in result.description]
            out["rows_read"] = [dict(zip(names, r)) for r in result.fetchall()]
        print(json.dumps(out))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
