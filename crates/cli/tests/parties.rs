//! End-to-end: watchlist import, screening of party names, comparison of name pairs.

mod common;

use common::{interdict, json_lines};

const LIST: &str = "name,aliases,country,type,reference,notes
Hubei Amarvel Biotech Co. Ltd.,Amarvel Biotech;AMARVEL,CN,company,W-001,fentanyl precursors
\"ZHENG, Fujing\",Zheng Fu Jing,CN,person,W-002,
Shanghai Fast-Fine Chemicals Co Ltd,,CN,company,W-003,
";

#[test]
fn import_screen_and_keep_the_previous_snapshot_on_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let list = dir.path().join("watch.csv");
    std::fs::write(&list, LIST).unwrap();
    let out = interdict(
        &[
            "lists",
            "import",
            "--format",
            "csv",
            list.to_str().unwrap(),
            "--name",
            "coalition",
        ],
        &data,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let status = json_lines(&interdict(&["lists", "status"], &data));
    assert_eq!(status[0]["name"], "coalition");
    assert_eq!(status[0]["records"], 3);
    assert_eq!(status[0]["checksum"].as_str().unwrap().len(), 64);

    let hit = json_lines(&interdict(
        &[
            "match-party",
            "--json",
            "HUBEI AMARVEL BIOTECH COMPANY LIMITED",
        ],
        &data,
    ));
    assert_eq!(hit[0]["matches"][0]["entity_id"], "W-001");
    assert_eq!(hit[0]["matches"][0]["list"], "coalition");
    assert!(hit[0]["matches"][0]["explanation"]
        .as_str()
        .unwrap()
        .contains("amarvel"));
    let miss = json_lines(&interdict(
        &["match-party", "--json", "Acme Trading Co., Ltd."],
        &data,
    ));
    assert_eq!(miss[0]["matches"], serde_json::json!([]));

    // A malformed file is rejected with its line, and the loaded snapshot stays.
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "name,country\nGood Name,CN\nBad Name,Atlantis\n").unwrap();
    let out = interdict(
        &[
            "lists",
            "import",
            "--format",
            "csv",
            bad.to_str().unwrap(),
            "--name",
            "coalition",
        ],
        &data,
    );
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("line 3") && err.contains("Atlantis") && err.contains("unchanged"),
        "{err}"
    );
    let status = json_lines(&interdict(&["lists", "status"], &data));
    assert_eq!(status[0]["records"], 3);
}

#[test]
fn screen_a_file_in_order_with_error_records() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let list = dir.path().join("watch.csv");
    std::fs::write(&list, LIST).unwrap();
    assert!(interdict(
        &["lists", "import", "--format", "csv", list.to_str().unwrap()],
        &data
    )
    .status
    .success());
    let queries = dir.path().join("q.csv");
    std::fs::write(&queries, "name,country\nFujing Zheng,CN\n,CN\nShanghai Fast Fine Chemical Company,XX\nPlain Textiles Ltd,\n").unwrap();
    let out = interdict(
        &["match-party", "--input", queries.to_str().unwrap()],
        &data,
    );
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0]["matches"][0]["entity_id"], "W-002");
    assert_eq!(lines[1]["error"]["code"], "invalid_record");
    assert!(lines[2]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("country"));
    assert_eq!(lines[3]["matches"], serde_json::json!([]));
}

#[test]
fn match_party_without_lists_says_what_to_do() {
    let dir = tempfile::tempdir().unwrap();
    let out = interdict(&["match-party", "Anyone"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("lists import"));
}

#[test]
fn compare_names_applies_the_default_threshold() {
    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("pairs.csv");
    std::fs::write(
        &pairs,
        "name1,name2,schema\nOlaf Scholze,Olaf Scholz,Person\nVolkswagen AG,Siemens AG,Company\n",
    )
    .unwrap();
    let lines = json_lines(&interdict(
        &["compare-names", "--input", pairs.to_str().unwrap()],
        dir.path(),
    ));
    assert_eq!(lines[0]["match"], true);
    assert_eq!(lines[1]["match"], false);
    assert!(lines[0]["score"].as_f64().unwrap() > lines[1]["score"].as_f64().unwrap());
}

#[test]
fn the_real_sdn_imports_and_finds_drug_designees() {
    let Some(sdn) = interdict_testkit::shared_file("data/watchlists/sdn.csv", "real_sdn_e2e")
    else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let out = interdict(
        &[
            "lists",
            "import",
            "--json",
            "--format",
            "ofac-sdn",
            sdn.to_str().unwrap(),
        ],
        dir.path(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(json_lines(&out)[0]["entities"], 14965);
    let hit = json_lines(&interdict(
        &[
            "match-party",
            "--json",
            "Wuhan Yuancheng Gongchuang Tech Co Ltd",
            "--country",
            "CN",
        ],
        dir.path(),
    ));
    let m = &hit[0]["matches"][0];
    assert_eq!(m["entity_id"], "34179");
    assert!(m["programs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|p| p == "ILLICIT-DRUGS-EO14059"));
}

#[test]
fn a_reader_that_stops_early_ends_the_run_quietly() {
    // `interdict compare-names --input big.csv | head -1`: once the reader has gone, the run stops
    // with SIGPIPE's status (141) and no panic message.
    use std::io::{BufRead, BufReader, Write};
    use std::process::{Command, Stdio};
    let dir = tempfile::tempdir().unwrap();
    let pairs = dir.path().join("pairs.csv");
    let mut f = std::fs::File::create(&pairs).unwrap();
    writeln!(f, "name1,name2").unwrap();
    for k in 0..200_000 {
        writeln!(f, "Hubei Amarvel Biotech {k},Hubei Amarvel Biotech Co {k}").unwrap();
    }
    drop(f);
    let mut child = Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args(["compare-names", "--input", pairs.to_str().unwrap()])
        .env("INTERDICT_DATA", dir.path().join("data"))
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("binary runs");
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with('{'), "{first}");
    // The pipe's read end is dropped here.
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(141), "{stderr}");
}
