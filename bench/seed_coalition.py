#!/usr/bin/env python3
"""A coalition of realistic size for the load test (issue 19), written through the CLI only.

    bench/seed_coalition.py BIN DATABASE TOKENS_OUT [--countries 50] [--incidents 100000]
                            [--pens-per-year 30000] [--years 3] [--routes 0.0]

DATABASE is a data directory or a postgres:// URL (as `interdict --database`). Makes the
secretariat, four organisations per member country (competent authority, customs, police,
health: 200 for 50 countries) with an officer each and a token, incidents spread over the
customs, police and health organisations for the last YEARS years under every distribution,
and YEARS x PENS_PER_YEAR pre-export notifications between the members (imported as
notifications filed outside the platform, `interdict pens import`). Writes the tokens as JSON
to TOKENS_OUT: {"admin": ..., "officers": [{"email", "country", "kind", "token"}, ...]}.
With --routes P, a share P of the seizures names an origin country (and one in four of those
a transit country), so they are flows too (bench/million.sh). Deterministic (fixed seed).
Loopback and local files only.
"""
import argparse, csv, datetime, json, os, random, subprocess, sys, tempfile, time

COUNTRIES = ("CN IN US MX CA NL DE NG GT BE FR ES IT GB PL CZ TR IR PK AF TH MM LA VN PH ID MY "
             "AU NZ JP KR ZA KE GH EG SA AE JO LB SY CO PE BO BR AR CL EC VE PA HN").split()
KINDS = ["competent_authority", "customs", "police", "health"]
SUBSTANCES = [  # (text as reported, weight)
    ("fentanyl", 12), ("methamphetamine", 12), ("cocaine", 10), ("heroin", 6), ("captagon", 5),
    ("tramadol", 6), ("ketamine", 5), ("MDMA", 5), ("isotonitazene", 2), ("protonitazene", 1),
    ("carfentanil", 1), ("xylazine", 2), ("4-anilinopiperidine", 2), ("N-phenethyl-4-piperidone", 2),
    ("ephedrine", 3), ("pseudoephedrine", 2), ("safrole", 1), ("P2P", 2), ("BMK glycidate", 1),
    ("acetic anhydride", 2),
]
PRECURSOR_CAS = ["39742-60-4", "21409-26-7", "108-24-7", "90-82-4", "299-42-3", "103-79-7",
                 "94-59-7", "80532-66-7", "67-64-1", "108-88-3", "7647-01-0"]
TYPES = ["seizure"] * 6 + ["overdose", "drug_checking", "illicit_laboratory"]
DISTRIBUTIONS = ["organisation", "country", "country", "coalition", "coalition", "countries"]


def run(bin_, database, *args, stdin=None):
    out = subprocess.run([bin_, "--database", database, *args], capture_output=True, text=True,
                         input=stdin)
    if out.returncode not in (0, 1):
        sys.exit(f"{' '.join(args[:3])}: exit {out.returncode}: {out.stderr.strip()[:500]}")
    return out.stdout


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("bin"); ap.add_argument("database"); ap.add_argument("tokens_out")
    ap.add_argument("--countries", type=int, default=50)
    ap.add_argument("--incidents", type=int, default=100_000)
    ap.add_argument("--pens-per-year", type=int, default=30_000)
    ap.add_argument("--years", type=int, default=3)
    ap.add_argument("--routes", type=float, default=0.0)
    a = ap.parse_args()
    rnd = random.Random(20261202)
    countries = COUNTRIES[: a.countries]
    t0 = time.monotonic()
    admin = json.loads(run(a.bin, a.database, "--json", "admin", "init", "--email", "admin@secretariat.load"))
    officers = []
    for cc in countries:
        for kind in KINDS:
            org = json.loads(run(a.bin, a.database, "--json", "admin", "org", "add", "--name",
                                 f"{cc} {kind.replace('_', ' ')}", "--country", cc, "--kind", kind))
            email = f"officer@{kind.replace('_', '-')}.{cc.lower()}.load"
            run(a.bin, a.database, "--json", "admin", "user", "add", "--org", org["id"], "--email", email,
                "--role", "officer")
            token = json.loads(run(a.bin, a.database, "--json", "admin", "token", "create", "--user", email))["token"]
            officers.append({"email": email, "country": cc, "kind": kind, "token": token})
    t1 = time.monotonic()
    print(f"seed: {len(officers)} organisations with an officer and a token in {t1 - t0:.0f} s", flush=True)

    reporters = [o for o in officers if o["kind"] != "competent_authority"]
    names, weights = zip(*SUBSTANCES)
    today = datetime.date(2026, 11, 30)
    days = 365 * a.years
    per = max(1, a.incidents // len(reporters))
    made = 0
    with tempfile.TemporaryDirectory() as tmp:
        for i, o in enumerate(reporters):
            n = per if i < len(reporters) - 1 else a.incidents - made
            path = os.path.join(tmp, f"{i}.jsonl")
            with open(path, "w") as f:
                for k in range(n):
                    dist = rnd.choice(DISTRIBUTIONS)
                    rec = {"type": rnd.choice(TYPES),
                           "date": (today - datetime.timedelta(days=rnd.randrange(days))).isoformat(),
                           "country": o["country"], "distribution": dist,
                           "tlp": rnd.choice(["clear", "green", "green", "amber"]),
                           "substances": [{"text": rnd.choices(names, weights)[0]}],
                           "reference": f"L-{o['country']}-{o['kind']}-{k}",
                           "description": f"{rnd.choice(['container', 'parcel', 'truck', 'courier', 'passenger'])} "
                                          f"at {rnd.choice(['port', 'airport', 'border crossing', 'postal hub'])} "
                                          f"{rnd.randrange(10**6)}"}
                    if dist == "countries":
                        rec["share_with"] = rnd.sample([c for c in countries if c != o["country"]], 3)
                    if rec["type"] == "seizure" and a.routes and rnd.random() < a.routes:
                        rec["origin_country"] = rnd.choice([c for c in countries if c != o["country"]])
                        if rnd.random() < 0.25:
                            rec["transit_countries"] = [rnd.choice(
                                [c for c in countries if c not in (o["country"], rec["origin_country"])])]
                    if rec["type"] == "seizure":
                        rec["substances"][0]["quantity"] = {"value": round(rnd.lognormvariate(1, 2), 3), "unit": "kg"}
                    f.write(json.dumps(rec) + "\n")
            out = run(a.bin, a.database, "--json", "incidents", "import", path, "--user", o["email"])
            # Every record must be stored: a seed that loses some (an unknown type once cost
            # 11% of them, unnoticed) measures a smaller coalition than it says.
            lines = [json.loads(l) for l in out.splitlines() if l.strip()]
            errors = [l for l in lines if "error" in l]
            if errors or len(lines) != n:
                sys.exit(f"seed: {o['email']}: {len(lines)} answers for {n} records, "
                         f"{len(errors)} with errors, the first: {errors[:1]}")
            made += n
            if (i + 1) % 25 == 0:
                print(f"seed: {made} incidents ({time.monotonic() - t1:.0f} s)", flush=True)
        t2 = time.monotonic()
        print(f"seed: {made} incidents in {t2 - t1:.0f} s", flush=True)

        total = a.pens_per_year * a.years
        path = os.path.join(tmp, "pens.csv")
        # What `pens import` reads (the screening ledger's statuses).
        statuses = ["no_objection"] * 14 + ["pending", "objection", "withdrawn"]
        with open(path, "w", newline="") as f:
            w = csv.writer(f)
            w.writerow(["reference", "date", "exporter_country", "importer_country", "exporter_name",
                        "importer_name", "cas", "quantity_kg", "status", "valid_until"])
            exporters = countries[:12]
            for k in range(total):
                exp = rnd.choice(exporters)
                imp = rnd.choice([c for c in countries if c != exp])
                day = today - datetime.timedelta(days=rnd.randrange(days))
                w.writerow([f"PEN-{exp}-{day.year}-{k}", day.isoformat(), exp, imp,
                            f"{exp} Chemical Trading Co {rnd.randrange(400)}",
                            f"{imp} Industrial Solvents {rnd.randrange(400)}", rnd.choice(PRECURSOR_CAS),
                            round(rnd.lognormvariate(5, 1.5), 1), rnd.choice(statuses),
                            (day + datetime.timedelta(days=180)).isoformat()])
        run(a.bin, a.database, "pens", "import", path)
        t3 = time.monotonic()
        print(f"seed: {total} notifications in {t3 - t2:.0f} s", flush=True)
    json.dump({"admin": admin["token"], "officers": officers}, open(a.tokens_out, "w"))


if __name__ == "__main__":
    main()
