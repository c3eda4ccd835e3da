//! End-to-end tests through the `interdict` binary.

mod common;

use common::{interdict, json_lines};
use std::io::Write;

#[test]
fn every_subcommand_has_help() {
    let dir = tempfile::tempdir().unwrap();
    let top = interdict(&["--help"], dir.path());
    assert!(top.status.success());
    for cmd in [
        "identify",
        "classify",
        "substances",
        "lists",
        "match-party",
        "compare-names",
        "alr",
        "pens",
        "screen",
        "detect",
        "alerts",
    ] {
        let out = interdict(&[cmd, "--help"], dir.path());
        assert!(out.status.success(), "{cmd} --help failed");
        assert!(
            String::from_utf8_lossy(&top.stdout).contains(cmd),
            "{cmd} missing from --help"
        );
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("Usage: interdict"),
            "{cmd}"
        );
    }
}

#[test]
fn classify_one_smiles_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = interdict(
        &[
            "classify",
            "--json",
            "O=C(c1ccco1)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1",
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = &json_lines(&out)[0];
    assert_eq!(v["listed"][0]["substance_id"], "furanylfentanyl");
    assert_eq!(v["inchikey"], "FZJVHWISUGFFQV-UHFFFAOYSA-N");
    assert_eq!(v["classes"][0]["definition"], "us-frs");
    assert_eq!(v["classes"][0]["clauses"], serde_json::json!(["E"]));
    assert!(v["similar"].as_array().unwrap().len() <= 3);
}

#[test]
fn classify_smi_file_keeps_order_and_reports_bad_lines_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let smi = dir.path().join("seized.smi");
    std::fs::write(
        &smi,
        "CCOc1ccc(Cc2nc3ccccc3n2CCN2CCCC2)cc1 sample-1\nC1CC( broken\nCN[C@@H](C)Cc1ccccc1.Cl sample-3\n",
    )
    .unwrap();
    let out = interdict(&["classify", "--input", smi.to_str().unwrap()], dir.path());
    assert_eq!(
        out.status.code(),
        Some(1),
        "exit 1: some records unreadable"
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["name"], "sample-1");
    assert_eq!(lines[0]["classes"][0]["definition"], "uk-nitazene-2025");
    assert_eq!(lines[1]["error"]["code"], "invalid_smiles");
    assert!(lines[1]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("line 2"));
    assert_eq!(lines[2]["listed"][0]["substance_id"], "methamphetamine");
}

#[test]
fn classify_sdf_file() {
    let dir = tempfile::tempdir().unwrap();
    let sdf = dir.path().join("sample.sdf");
    // Acetylfentanyl as a V2000 MOL block (heavy atoms, no coordinates needed), then a broken record.
    let smiles_atoms = [
        "C", "C", "O", "N", "C", "C", "C", "C", "C", "C", "C", "C", "C", "N", "C", "C", "C", "C",
        "C", "C", "C", "C", "C", "C",
    ];
    let bonds = [
        (1, 2, 1),
        (2, 3, 2),
        (2, 4, 1),
        (4, 5, 1),
        (5, 6, 4),
        (6, 7, 4),
        (7, 8, 4),
        (8, 9, 4),
        (9, 10, 4),
        (10, 5, 4),
        (4, 11, 1),
        (11, 12, 1),
        (12, 13, 1),
        (13, 14, 1),
        (14, 15, 1),
        (15, 16, 1),
        (16, 11, 1),
        (14, 17, 1),
        (17, 18, 1),
        (18, 19, 1),
        (19, 20, 4),
        (20, 21, 4),
        (21, 22, 4),
        (22, 23, 4),
        (23, 24, 4),
        (24, 19, 4),
    ];
    let mut mol = String::from("acetylfentanyl\n  test\n\n");
    mol.push_str(&format!(
        "{:>3}{:>3}  0  0  0  0  0  0  0  0999 V2000\n",
        smiles_atoms.len(),
        bonds.len()
    ));
    for a in smiles_atoms {
        mol.push_str(&format!(
            "    0.0000    0.0000    0.0000 {a:<3} 0  0  0  0  0  0  0  0  0  0  0  0\n"
        ));
    }
    for (a, b, o) in bonds {
        mol.push_str(&format!("{a:>3}{b:>3}{o:>3}  0\n"));
    }
    mol.push_str(
        "M  END\n$$$$\nbroken\n\n\n  2  1  0  0  0  0  0  0  0  0999 V2000\nM  END\n$$$$\n",
    );
    std::fs::write(&sdf, mol).unwrap();
    let out = interdict(&["classify", "--input", sdf.to_str().unwrap()], dir.path());
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 2, "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(lines[0]["name"], "acetylfentanyl");
    assert_eq!(
        lines[0]["listed"][0]["substance_id"], "acetylfentanyl",
        "{}",
        lines[0]
    );
    assert!(lines[1]["error"]["code"].as_str().is_some());
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn identify_one_text_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = interdict(
        &[
            "identify",
            "--json",
            "Organic intermediate CAS No.: 39742604",
        ],
        dir.path(),
    );
    assert!(out.status.success());
    let v = &json_lines(&out)[0];
    assert_eq!(v["input"], "Organic intermediate CAS No.: 39742604");
    assert_eq!(v["matches"][0]["substance_id"], "npp");
    assert_eq!(v["matches"][0]["cas"], "39742-60-4");
    assert_eq!(v["matches"][0]["matched_on"], "cas");
    assert_eq!(v["matches"][0]["score"], 1.0);
    assert!(v["matches"][0]["controls"]
        .as_array()
        .unwrap()
        .contains(&serde_json::json!("UN-1988-TABLE-I")));
}

#[test]
fn identify_file_keeps_input_order_and_reports_bad_lines() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("goods.txt");
    let mut f = std::fs::File::create(&input).unwrap();
    f.write_all(b"N-Phenethyl-4-piperidone 99%, 25 kg drum\ncotton shirts\n\xff\xfe broken\r\nPiperonal CAS 39742-60-4\n")
        .unwrap();
    drop(f);
    let out = interdict(
        &["identify", "--input", input.to_str().unwrap()],
        dir.path(),
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "a bad line makes the exit status 1"
    );
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["matches"][0]["substance_id"], "npp");
    assert_eq!(lines[1]["input"], "cotton shirts");
    assert_eq!(lines[1]["matches"], serde_json::json!([]));
    assert_eq!(lines[2]["error"]["code"], "invalid_utf8");
    assert_eq!(lines[2]["line"], 3);
    assert_eq!(lines[3]["cas_name_conflict"], true);
}

#[test]
fn identify_missing_file_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = interdict(
        &["identify", "--input", "/nonexistent/goods.txt"],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("/nonexistent/goods.txt"), "{err}");
}

#[test]
fn substances_list_show_and_search() {
    let dir = tempfile::tempdir().unwrap();
    let list = interdict(
        &["substances", "list", "--list", "UN-1988-TABLE-I"],
        dir.path(),
    );
    assert!(list.status.success());
    assert_eq!(json_lines(&list).len(), 43);
    let show = interdict(&["substances", "show", "39742-60-4"], dir.path());
    let v = &json_lines(&show)[0];
    assert_eq!(v["id"], "npp");
    assert_eq!(v["hs2022"], "2933.37");
    let search = interdict(&["substances", "search", "glycidate"], dir.path());
    assert!(json_lines(&search).len() >= 16);
    let unknown = interdict(&["substances", "show", "no-such-thing"], dir.path());
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn data_directory_is_created_and_newer_schemas_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let out = interdict(&["lists", "status"], &data);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(data.join("interdict.sqlite3").exists());
    let conn = rusqlite_set_version(&data.join("interdict.sqlite3"), 999);
    drop(conn);
    let out = interdict(&["lists", "status"], &data);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("newer than this build"));
}

fn rusqlite_set_version(path: &std::path::Path, v: i64) -> rusqlite::Connection {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.pragma_update(None, "user_version", v).unwrap();
    conn
}

#[test]
fn detect_reproduces_the_r_reference_output() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ews/tests/fixtures");
    let series = fixtures.join("series/shadar.csv");
    let out = interdict(
        &[
            "detect",
            "--method",
            "ears-c2",
            "--input",
            series.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let got: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    let want = std::fs::read_to_string(fixtures.join("ears_c2_shadar.csv")).unwrap();
    let want: Vec<&str> = want.lines().collect();
    assert_eq!(got.len(), want.len());
    assert_eq!(got[0], "t,observed,upperbound,alarm");
    for (g, w) in got.iter().zip(&want).skip(1) {
        let (g, w): (Vec<&str>, Vec<&str>) = (g.split(',').collect(), w.split(',').collect());
        assert_eq!((g[0], g[1], g[3]), (w[0], w[1], w[3]));
        if w[2] != "NA" {
            let (a, b): (f64, f64) = (g[2].parse().unwrap(), w[2].parse().unwrap());
            assert!((a - b).abs() <= 1e-9 * b.abs().max(1.0), "{a} vs {b}");
        }
    }
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "t,observed\n1,3\n3,4\n").unwrap();
    let out = interdict(
        &[
            "detect",
            "--method",
            "ears-c1",
            "--input",
            bad.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("line 3, field t"));
}

/// `interdict alerts` on `examples/incidents.csv` with `extra` arguments; the alerts it printed.
fn alerts_on_example_incidents(extra: &[&str]) -> Vec<serde_json::Value> {
    let dir = tempfile::tempdir().unwrap();
    let incidents =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/incidents.csv");
    let mut args = vec!["alerts", "--incidents", incidents.to_str().unwrap()];
    args.extend_from_slice(extra);
    let out = interdict(&args, dir.path());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_lines(&out)
}

#[test]
fn alerts_on_the_example_incident_stream() {
    let alerts = alerts_on_example_incidents(&[]);
    let has = |kind: &str, substance: &str, region: &str| {
        alerts
            .iter()
            .any(|a| a["kind"] == kind && a["substance"] == substance && a["region"] == region)
    };
    assert!(has("first_detection", "name:xylazine", "CA"));
    assert!(has("first_detection", "name:xylazine", "ALL"));
    assert!(has(
        "first_detection",
        "name:parachloroisobutyrylfentanyl",
        "US"
    ));
    assert!(has("first_detection", "protonitazepyne", "GB"));
    assert!(has("aberration", "isotonitazene", "GB"));
    assert!(has("aberration", "fenetylline", "JO"));
    assert!(
        !has("first_detection", "fentanyl", "US"),
        "long-standing substances are history"
    );
    // Deduplicated: one alert per substance, region and kind (a persisting rise is one episode).
    let mut keys: Vec<String> = alerts
        .iter()
        .map(|a| format!("{}|{}|{}", a["kind"], a["substance"], a["region"]))
        .collect();
    let n = keys.len();
    keys.sort();
    keys.dedup();
    assert_eq!(keys.len(), n);
    // Ranked: ranks are 1..n in order, and the planted surge comes before the one-week blips.
    for (i, a) in alerts.iter().enumerate() {
        assert_eq!(a["rank"], i as u64 + 1);
        assert!(!a["explanation"].as_str().unwrap().is_empty());
    }
    assert_eq!(alerts[0]["substance"], "fenetylline");
}

#[test]
fn alerts_with_the_negative_binomial_glr_estimate_alpha_per_series() {
    let alerts = alerts_on_example_incidents(&["--method", "glr-nb"]);
    let aberrations: Vec<_> = alerts
        .iter()
        .filter(|a| a["kind"] == "aberration")
        .collect();
    assert!(aberrations.iter().all(|a| a["method"] == "glr-nb"));
    assert!(aberrations
        .iter()
        .any(|a| a["substance"] == "fenetylline" && a["region"] == "JO"));
    assert!(aberrations
        .iter()
        .any(|a| a["substance"] == "isotonitazene" && a["region"] == "GB"));
    assert_eq!(alerts[0]["substance"], "fenetylline");
}

#[test]
fn alerts_recognise_substances_written_as_smiles() {
    let dir = tempfile::tempdir().unwrap();
    let base = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/incidents.csv"),
    )
    .unwrap();
    let mut text = base.clone();
    // A listed nitazene drawn as a SMILES salt, and a new analogue never seen before (N-pyrrolidino
    // etodesnitazene, not listed): it must be a first detection recognised as a nitazene.
    text.push_str("SMI-1,2025-12-29,GB,CCN(CC)CCn1c(Cc2ccc(OC(C)C)cc2)nc2cc([N+](=O)[O-])ccc21.Cl,seizure,0.1\n");
    text.push_str("SMI-2,2025-12-30,GB,CCOc1ccc(Cc2nc3ccccc3n2CCN2CCCC2)cc1,drug-checking,0.01\n");
    let path = dir.path().join("incidents.csv");
    std::fs::write(&path, text).unwrap();
    let out = interdict(
        &["alerts", "--incidents", path.to_str().unwrap()],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let alerts = json_lines(&out);
    let new = alerts
        .iter()
        .find(|a| {
            a["kind"] == "first_detection"
                && a["region"] == "GB"
                && a["substance"] == "smiles:CCOc1ccc(Cc2nc3ccccc3n2CCN2CCCC2)cc1"
        })
        .expect("the new analogue is a first detection");
    assert!(
        new["explanation"].as_str().unwrap().contains("nitazene"),
        "{new}"
    );
    assert!(
        !alerts.iter().any(|a| a["substance"]
            .as_str()
            .unwrap_or("")
            .starts_with("smiles:CCN(CC)")),
        "the listed isotonitazene SMILES maps to the registry id"
    );
}
