//! Issue 18: hostile and careless input through the binary — bounded cost per record, no lost
//! data, no silent damage to the data directory, no evasion by spelling, one error per bad
//! record naming its line and field while the rest is processed.

mod common;

use common::{interdict, json_lines};

const HEADER: &str = "id,date,exporter_name,exporter_country,importer_name,importer_country,goods_description,hs_code,cas_number,quantity,unit";

fn declaration(id: &str, goods: &str, quantity: &str, unit: &str) -> String {
    format!("{id},2025-06-16,Acme Ltd,CN,Beta LLC,US,\"{goods}\",2932.93,,{quantity},{unit}")
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> String {
    let path = dir.join(name);
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Class "cost that grows faster than the input": a 1 MB goods description and a 1 MB
/// identify line are one error record each, stated with the limit; their neighbours are
/// processed. (The cost bound itself is the limit checked before any work: no timing here.)
#[test]
fn oversized_records_get_an_error_record_and_the_rest_is_processed() {
    let dir = tempfile::tempdir().unwrap();
    let huge = "Piperonal acetone ".repeat(60_000);
    let file = write(
        dir.path(),
        "day.csv",
        &format!(
            "{HEADER}\n{}\n{}\n{}\n",
            declaration("D1", "Piperonal", "1", "kg"),
            declaration("D2", &huge, "1", "kg"),
            declaration("D3", "Acetone", "1", "kg"),
        ),
    );
    let out = interdict(&["screen", &file, "--json"], &dir.path().join("data"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["id"], "D1");
    assert!(lines[0]["flags"].as_array().is_some_and(|f| !f.is_empty()));
    let message = lines[1]["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("line 3, field goods_description:") && message.contains("4096"),
        "{message}"
    );
    assert!(message.len() < 200, "the value is not echoed: {message}");
    assert_eq!(lines[2]["id"], "D3");

    let text = write(
        dir.path(),
        "goods.txt",
        &format!("acetone\n{}\npiperonal\n", "a".repeat(1 << 20)),
    );
    let out = interdict(&["identify", "--input", &text], &dir.path().join("data"));
    assert_eq!(out.status.code(), Some(1));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["matches"][0]["substance_id"], "acetone");
    assert_eq!(lines[1]["error"]["code"], "too_large");
    assert!(lines[1]["input"].as_str().unwrap().len() < 200);
    assert_eq!(lines[2]["matches"][0]["substance_id"], "piperonal");
}

/// A 998-atom macrocycle is within the atom limit: it is classified (the toolkit's recursive
/// walk used to overflow the stack and abort the process), and the record after it too.
#[test]
fn the_largest_structure_accepted_does_not_overflow_the_stack() {
    let dir = tempfile::tempdir().unwrap();
    let ring = format!("C1{}C1", "C".repeat(996));
    let file = write(
        dir.path(),
        "big.smi",
        &format!("CCO\n{ring}\nc1{}c1\nCCN\n", "c".repeat(4000)),
    );
    let out = interdict(&["classify", "--input", &file], &dir.path().join("data"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 4);
    assert!(lines[1]["error"].is_null(), "{}", lines[1]);
    assert_eq!(lines[2]["error"]["code"], "too_large");
    assert_eq!(lines[3]["canonical_smiles"], "CCN");
}

/// The judge's memory limit as an address-space limit (`ulimit -v 1500000`, 1.5 GB): the
/// engine threads' stacks are sized to fit it, so every command still starts, the largest
/// structure accepted is still classified, and screening still answers per record.
#[test]
fn commands_run_under_an_address_space_limit_of_1_5_gb() {
    let dir = tempfile::tempdir().unwrap();
    let ring = format!("C1{}C1", "C".repeat(996));
    let smi = write(dir.path(), "big.smi", &format!("CCO\n{ring}\nCCN\n"));
    let day = write(
        dir.path(),
        "day.csv",
        &format!(
            "{HEADER}\n{}\n{}\n",
            declaration("D1", &"acetone ".repeat(1000), "1", "kg"),
            declaration("D2", "N-Phenethyl-4-piperidone", "500", "kg"),
        ),
    );
    let bin = env!("CARGO_BIN_EXE_interdict");
    let limited = |args: &str| {
        std::process::Command::new("sh")
            .arg("-c")
            .arg(format!("ulimit -v 1500000 && exec {bin} {args}"))
            .env("INTERDICT_DATA", dir.path().join("data"))
            .stdin(std::process::Stdio::null())
            .output()
            .unwrap()
    };
    let out = limited(&format!("classify --input {smi} --json"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines.len(), 3);
    assert!(lines[1]["error"].is_null(), "{}", lines[1]);
    let out = limited(&format!("screen {day} --json"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert_eq!(lines[0]["error"]["code"], "invalid_record");
    assert_eq!(lines[1]["risk"]["level"], "critical", "{}", lines[1]);
}

/// Class "silent damage": an absurd quantity is refused at the edge, so `--record` stores
/// nothing that could poison later runs; the next screen of the data directory still works.
#[test]
fn absurd_quantities_are_refused_and_cannot_poison_the_data_directory() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let file = write(
        dir.path(),
        "day.csv",
        &format!(
            "{HEADER}\n{}\n{}\n{}\n",
            declaration("D1", "Acetone", "1e306", "t"),
            declaration("D2", "Acetone", "NaN", "kg"),
            declaration("D3", "Acetone", "2", "t"),
        ),
    );
    let out = interdict(&["screen", &file, "--json", "--record"], &data);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines = json_lines(&out);
    assert!(lines[0]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("field quantity"));
    assert!(lines[1]["error"]["message"]
        .as_str()
        .unwrap()
        .contains("field quantity"));
    assert_eq!(lines[2]["id"], "D3");
    let again = interdict(&["screen", &file, "--json"], &data);
    assert_eq!(again.status.code(), Some(1), "{}", stderr(&again));
}

/// Class "silent damage": a declaration id recorded for an importing country on one day and
/// used again on another day is reported (exit 1, the line and field named), not silently
/// left out of the totals; the same file again counts nothing twice; an entry of the ledger
/// damaged by an older version is left out with a warning, and `lists status` names it.
#[test]
fn declaration_ids_are_unique_over_time_and_a_damaged_ledger_poisons_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let day1 = write(
        dir.path(),
        "day1.csv",
        &format!("{HEADER}\n{}\n", declaration("D1", "Acetone", "2", "t")),
    );
    let out = interdict(&["screen", &day1, "--json", "--record"], &data);
    assert!(out.status.success(), "{}", stderr(&out));
    // The same declaration again: still fine, nothing counted twice.
    let again = interdict(&["screen", &day1, "--json", "--record"], &data);
    assert!(again.status.success(), "{}", stderr(&again));
    let day2 = write(
        dir.path(),
        "day2.csv",
        &format!(
            "{HEADER}\n{}\n{}\n",
            declaration("D1", "Acetone", "3", "t").replace("2025-06-16", "2025-07-01"),
            declaration("D2", "Acetone", "1", "t"),
        ),
    );
    let out = interdict(&["screen", &day2, "--json", "--record"], &data);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines = json_lines(&out);
    let message = lines[0]["error"]["message"].as_str().unwrap();
    assert!(
        message.starts_with("line 2, field id:") && message.contains("2025-06-16"),
        "{message}"
    );
    assert_eq!(lines[1]["id"], "D2");
    let db = rusqlite::Connection::open(data.join("interdict.sqlite3")).unwrap();
    let ids: Vec<String> = db
        .prepare("SELECT declaration_id FROM alr_ledger ORDER BY rowid")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(ids, ["D1", "D2"], "the clashing line is not recorded");

    // An entry an old version wrote with `inf` as `null`.
    db.execute(
        "UPDATE alr_ledger SET body = replace(body, '\"quantity_kg\":1000.0', '\"quantity_kg\":null') WHERE declaration_id = 'D2'",
        [],
    )
    .unwrap();
    drop(db);
    let out = interdict(&["screen", &day1, "--json"], &data);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("cannot be read"), "{}", stderr(&out));
    let out = interdict(&["lists", "status", "--json"], &data);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let ledger = json_lines(&out)
        .into_iter()
        .find(|l| l["name"] == "alr_ledger")
        .unwrap();
    assert_eq!(ledger["unreadable"], 1, "{ledger}");
}

/// `screen FILE --out FILE` would overwrite its own input: refused, the input untouched.
#[test]
fn screen_refuses_to_write_over_its_input() {
    let dir = tempfile::tempdir().unwrap();
    let text = format!("{HEADER}\n{}\n", declaration("D1", "Acetone", "1", "kg"));
    let file = write(dir.path(), "day.csv", &text);
    let out = interdict(&["screen", &file, "--out", &file], &dir.path().join("data"));
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("is an input of this run"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), text);
}

/// Imports that yield nothing or shrink a loaded list drastically are refused unless
/// `--allow-shrink`, saying what would be replaced; ALR/PEN files without rows or with a
/// duplicate key are refused naming the lines.
#[test]
fn imports_that_would_empty_or_shrink_a_loaded_set_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let full = common::root().join("examples/watchlist.csv");
    let full = full.display().to_string();
    let out = interdict(&["lists", "import", "--format", "csv", &full], &data);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = write(
        dir.path(),
        "page.xml",
        "<html><body>502 Bad Gateway</body></html>",
    );
    let out = interdict(
        &[
            "lists",
            "import",
            "--format",
            "un-xml",
            &page,
            "--name",
            "coalition",
        ],
        &data,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("yields 0 records") && stderr(&out).contains("--allow-shrink"),
        "{}",
        stderr(&out)
    );
    let first_two: String = std::fs::read_to_string(&full)
        .unwrap()
        .lines()
        .take(2)
        .map(|l| format!("{l}\n"))
        .collect();
    let small = write(dir.path(), "small.csv", &first_two);
    let out = interdict(&["lists", "import", "--format", "csv", &small], &data);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let out = interdict(
        &[
            "lists",
            "import",
            "--format",
            "csv",
            &small,
            "--allow-shrink",
        ],
        &data,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("replaced the snapshot of `coalition`"),
        "{}",
        stderr(&out)
    );

    let header_only = write(dir.path(), "alr.csv", "country,cas,year,quantity_kg\n");
    let out = interdict(&["alr", "import", &header_only], &data);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no ALR rows"), "{}", stderr(&out));
    let duplicate = write(
        dir.path(),
        "alr2.csv",
        "country,cas,year,quantity_kg\nMX,103-79-7,2025,100\nMX,103-79-7,2025,5\n",
    );
    let out = interdict(&["alr", "import", &duplicate], &data);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 3") && stderr(&out).contains("line 2"),
        "{}",
        stderr(&out)
    );
}

/// Class "evasion": look-alike letters, NUL separators, Unicode hyphens and full-width digits
/// in a goods description are read as what they show.
#[test]
fn spoofed_descriptions_are_screened_as_what_they_read() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "day.csv",
        &format!(
            "{HEADER}\n{}\n{}\n{}\n{}\n",
            declaration("D1", "Pip\u{435}ronal", "1", "kg"),
            declaration("D2", "white powder\u{0}piperonal", "1", "kg"),
            declaration("D3", "CAS 120\u{2011}57\u{2212}0", "1", "kg"),
            declaration(
                "D4",
                "CAS \u{ff11}\u{ff12}\u{ff10}-\u{ff15}\u{ff17}-\u{ff10}",
                "1",
                "kg"
            ),
        ),
    );
    // `НРР`: Cyrillic Н said as N, Р drawn as P — read as NPP, not as the drawn `HPP`.
    let npp = write(
        dir.path(),
        "npp.csv",
        &format!(
            "{HEADER}\n{}\n",
            declaration("D5", "\u{41d}\u{420}\u{420}", "500", "kg")
        ),
    );
    let out = interdict(&["screen", &npp, "--json"], &dir.path().join("data"));
    assert!(out.status.success(), "{}", stderr(&out));
    let line = &json_lines(&out)[0];
    assert!(
        line["substances"]
            .as_array()
            .unwrap()
            .iter()
            .any(|s| s["substance_id"] == "npp"),
        "{line}"
    );
    let out = interdict(&["screen", &file, "--json"], &dir.path().join("data"));
    assert!(out.status.success(), "{}", stderr(&out));
    for line in json_lines(&out) {
        let substances: Vec<&str> = line["substances"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|s| s["substance_id"].as_str())
            .collect();
        assert!(substances.contains(&"piperonal"), "{line}");
    }
}

/// `alerts` checks the columns it was handed: duplicate ids (naming the first line), year
/// 0000, unknown incident types and quantities that are negative or not numbers are each a
/// problem naming line and field; the good record still counts.
#[test]
fn alerts_refuse_bad_ids_years_types_and_quantities_per_record() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(
        dir.path(),
        "incidents.csv",
        "id,date,country,substance,type,quantity\n\
         I1,2024-01-03,US,Fentanyl,seizure,2\n\
         I1,2024-01-04,US,Fentanyl,seizure,2\n\
         I3,0000-01-04,US,Fentanyl,seizure,2\n\
         I4,2024-01-04,US,Fentanyl,alien,2\n\
         I5,2024-01-04,US,Fentanyl,seizure,-2\n\
         I6,2024-01-04,US,Fentanyl,seizure,NaN\n",
    );
    let out = interdict(&["alerts", "--incidents", &file], &dir.path().join("data"));
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    for expected in [
        "line 3, field id: `I1` is already the id of line 2",
        "line 4, field date:",
        "line 5, field type:",
        "line 6, field quantity:",
        "line 7, field quantity:",
        "1 incidents",
    ] {
        assert!(err.contains(expected), "{expected}: {err}");
    }
}

/// `lists status` reads every list's records back: a damaged record or a lost one is
/// reported (state and exit 2), not shown as fine.
#[test]
fn lists_status_reports_damaged_records() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let list = common::root().join("examples/watchlist.csv");
    let out = interdict(
        &[
            "lists",
            "import",
            "--format",
            "csv",
            &list.display().to_string(),
        ],
        &data,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let out = interdict(&["lists", "status", "--json"], &data);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_lines(&out)[0]["state"], "ok");
    {
        let db = rusqlite::Connection::open(data.join("interdict.sqlite3")).unwrap();
        db.execute(
            "UPDATE snapshot_records SET body = '{broken' WHERE rowid = (SELECT min(rowid) FROM snapshot_records)",
            [],
        )
        .unwrap();
    }
    let out = interdict(&["lists", "status", "--json"], &data);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(json_lines(&out)[0]["state"], "corrupt: record 1 unreadable");
    assert!(stderr(&out).contains("damaged"), "{}", stderr(&out));
}

/// Class "clear, consistent errors": Farrington on daily dates says the dates are not weekly;
/// SDF in a `.txt` is read as SDF; an empty file is the same "nothing to do" everywhere; an
/// empty list name is refused.
#[test]
fn clear_errors_for_careless_inputs() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut daily = String::from("t,date,observed\n");
    for i in 0..300 {
        let d = interdict_core::Date::from_day_number(16_440 + i);
        daily.push_str(&format!("{},{d},{}\n", i + 1, i % 5));
    }
    let series = write(dir.path(), "daily.csv", &daily);
    let out = interdict(
        &["detect", "--input", &series, "--method", "farrington"],
        &data,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("line 3, field date") && stderr(&out).contains("weekly"),
        "{}",
        stderr(&out)
    );

    let mol = "ethanol\n  RDKit          2D\n\n  3  2  0  0  0  0  0  0  0  0999 V2000\n    0.0000    0.0000    0.0000 C   0  0\n    1.2990    0.7500    0.0000 C   0  0\n    2.5981   -0.0000    0.0000 O   0  0\n  1  2  1  0\n  2  3  1  0\nM  END\n$$$$\n";
    let txt = write(dir.path(), "seized.txt", mol);
    let out = interdict(&["classify", "--input", &txt], &data);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(json_lines(&out)[0]["canonical_smiles"], "CCO");

    let empty = write(dir.path(), "empty.csv", "");
    for args in [
        vec!["identify", "--input", &empty],
        vec!["classify", "--input", &empty],
        vec!["alerts", "--incidents", &empty],
        vec!["compare-names", "--input", &empty],
        vec!["detect", "--method", "ears-c1", "--input", &empty],
    ] {
        let out = interdict(&args, &data);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains("empty file"), "{args:?}");
    }

    let list = common::root().join("examples/watchlist.csv");
    let out = interdict(
        &[
            "lists",
            "import",
            "--format",
            "csv",
            &list.display().to_string(),
            "--name",
            " ",
        ],
        &data,
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--name"), "{}", stderr(&out));
}

/// Class "a failure must not take the rest with it": `compare-names` (like `match-party`)
/// reads its input a window at a time and writes each window's answers before reading on,
/// so results reach the output while the input is still arriving (here through a FIFO that
/// stays open) and memory holds one window, not the file.
#[test]
fn name_comparisons_stream_their_answers_before_the_input_ends() {
    use std::io::{BufRead, Write};
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pairs.csv");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(made.success());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_interdict"))
        .args([
            "compare-names",
            "--input",
            &fifo.display().to_string(),
            "--json",
        ])
        .env("INTERDICT_DATA", dir.path().join("data"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // The writer keeps the FIFO open until told to close it (a thread: opening a FIFO waits
    // for its reader, and a binary that failed early would never come).
    let (close_tx, close_rx) = std::sync::mpsc::channel::<()>();
    let path = fifo.clone();
    std::thread::spawn(move || {
        let mut input = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        writeln!(input, "name1,name2,schema").unwrap();
        for i in 0..5000 {
            writeln!(input, "Mohammed Al Hassan {i},Muhammad al-Hasan {i},Person").unwrap();
        }
        input.flush().unwrap();
        let _ = close_rx.recv();
    });
    let stdout = child.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut lines = std::io::BufReader::new(stdout).lines();
        let first = lines.next().and_then(Result::ok);
        let _ = tx.send(first);
        lines.count()
    });
    // A guard against a hang, not a speed check: with the input still open, an answer can
    // only arrive if it was written before the end of the input.
    let first = rx
        .recv_timeout(std::time::Duration::from_secs(120))
        .expect("no answer while the input was still open: the input is read whole first")
        .expect("the binary ended without an answer");
    let first: serde_json::Value = serde_json::from_str(&first).unwrap();
    assert!(first.get("score").is_some(), "{first}");
    close_tx.send(()).unwrap();
    assert!(child.wait().unwrap().success());
}
