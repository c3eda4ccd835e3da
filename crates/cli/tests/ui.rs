//! The web UI in a real browser: Debian's Chromium, headless, driven over the DevTools
//! protocol (a small client over a WebSocket) against a server started by the test. One walk
//! through the pages as the officers would use them: sign in, screen the example declarations,
//! file a notification (its draft screened before sending, stored only when sent) and answer it
//! as the other country, check its label by pasting (and a changed one) and by scanning its QR
//! code with a camera (a second Chromium whose fake camera plays a video of the server's QR
//! PNG), enter an incident and find it, see it on the world map, attach a file and download it,
//! open an alert's chart and the flow map over the country outlines. Each step saves a
//! screenshot (`target/ui-screenshots/<backend>/`), runs axe-core (no serious or critical
//! violation), and each browser checks that no request left the server's origin and that the
//! Content-Security-Policy refused nothing.
//!
//! The walk runs on SQLite, and on PostgreSQL when `INTERDICT_TEST_PG` is set (skipped with a
//! notice when it is not, a failure with `INTERDICT_REQUIRE_PG=1`). Skipped with a notice when
//! `/usr/bin/chromium` is absent, unless `INTERDICT_REQUIRE_BROWSER=1` (then it fails).

mod common;

use std::io::{BufRead, BufReader};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use base64::Engine;
use serde_json::{json, Value};
use tungstenite::stream::MaybeTlsStream;
use tungstenite::{Message, WebSocket};

use common::{add_org, add_user_with_password, admin_init, postgres, request, root, start, Db};
use sha2::Digest;

const CHROMIUM: &str = "/usr/bin/chromium";
const PASSWORD: &str = "correct horse battery staple";

/// Headless Chromium, killed when dropped.
struct Browser {
    child: Child,
    _profile: tempfile::TempDir,
}

impl Drop for Browser {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One page's DevTools session; events are kept as they arrive.
struct Page {
    ws: WebSocket<MaybeTlsStream<TcpStream>>,
    next: u64,
    events: Vec<Value>,
    base: String,
    shots: PathBuf,
}

/// Headless Chromium with `extra` flags (a fake camera); its DevTools port.
fn launch(extra: &[String]) -> (Browser, String) {
    let profile = tempfile::tempdir().expect("profile dir");
    let mut child = Command::new(CHROMIUM)
        .args([
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-default-apps",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--disable-dev-shm-usage",
            "--window-size=1280,1000",
            "--remote-debugging-port=0",
            "--remote-allow-origins=*",
        ])
        .args(extra)
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg("about:blank")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    let stderr = child.stderr.take().expect("stderr piped");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut sent = false;
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if !sent {
                if let Some(url) = line.split("DevTools listening on ").nth(1) {
                    let _ = tx.send(url.trim().to_string());
                    sent = true;
                }
            }
        }
    });
    let browser_ws = rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("chromium announced its DevTools address");
    let port = browser_ws
        .trim_start_matches("ws://")
        .split('/')
        .next()
        .and_then(|hp| hp.rsplit(':').next())
        .expect("a port")
        .to_string();
    (
        Browser {
            child,
            _profile: profile,
        },
        port,
    )
}

impl Page {
    fn open(port: &str, base: &str, shots: PathBuf) -> Page {
        let list = common::call(
            "GET",
            &format!("http://127.0.0.1:{port}/json/list"),
            &[],
            None,
        );
        let targets: Vec<Value> = serde_json::from_str(&list.body).expect("target list");
        let ws_url = targets
            .iter()
            .find(|t| t["type"] == "page")
            .and_then(|t| t["webSocketDebuggerUrl"].as_str())
            .expect("a page target")
            .to_string();
        let (ws, _) = tungstenite::connect(ws_url.as_str()).expect("DevTools WebSocket");
        let mut page = Page {
            ws,
            next: 0,
            events: Vec::new(),
            base: base.to_string(),
            shots,
        };
        for m in [
            "Page.enable",
            "Network.enable",
            "Runtime.enable",
            "Log.enable",
        ] {
            page.cmd(m, json!({}));
        }
        page
    }

    fn cmd(&mut self, method: &str, params: Value) -> Value {
        self.next += 1;
        let id = self.next;
        let msg = json!({"id": id, "method": method, "params": params}).to_string();
        self.ws.send(Message::text(msg)).expect("send to DevTools");
        loop {
            let m = self.ws.read().expect("read from DevTools");
            let Message::Text(text) = m else { continue };
            let v: Value = serde_json::from_str(text.as_str()).expect("DevTools JSON");
            if v["id"] == json!(id) {
                assert!(v["error"].is_null(), "{method}: {}", v["error"]);
                return v["result"].clone();
            }
            if v["method"].is_string() {
                self.events.push(v);
            }
        }
    }

    /// Evaluates a JavaScript expression (awaited); its value.
    fn eval(&mut self, expr: &str) -> Value {
        let r = self.cmd(
            "Runtime.evaluate",
            json!({"expression": expr, "awaitPromise": true, "returnByValue": true}),
        );
        assert!(
            r["exceptionDetails"].is_null(),
            "{expr}: {}",
            r["exceptionDetails"]
        );
        r["result"]["value"].clone()
    }

    /// Waits until a JavaScript condition holds (the page works asynchronously); its value.
    fn wait(&mut self, cond: &str) -> Value {
        let expr = format!(
            "new Promise((ok, no) => {{ const t0 = Date.now(); const f = () => {{ let v; try {{ v = ({cond}); }} catch (e) {{ v = null; }}
               if (v) ok(typeof v === 'object' ? true : v); else if (Date.now() - t0 > 60000) no(new Error('never true: ' + {c:?} + ' on ' + location.hash + ': ' + document.querySelector('main').innerText.slice(0, 600))); else setTimeout(f, 100); }}; f(); }})",
            c = cond
        );
        self.eval(&expr)
    }

    /// Goes to a page and waits until it is drawn for that address (typing into the page
    /// before would be lost when the page is drawn again).
    fn go(&mut self, hash: &str) {
        self.eval(&format!("location.hash = {hash:?}; true"));
        self.wait(&format!(
            "document.getElementById('main').dataset.rendered === location.hash && location.hash === {hash:?}"
        ));
    }

    fn fill(&mut self, selector: &str, value: &str) {
        let v = serde_json::to_string(value).expect("string");
        self.eval(&format!(
            "(() => {{ const el = document.querySelector({selector:?}); if (!el) throw new Error('no ' + {selector:?});
               el.value = {v}; el.dispatchEvent(new Event('input', {{bubbles: true}})); el.dispatchEvent(new Event('change', {{bubbles: true}})); return true; }})()"
        ));
    }

    fn click(&mut self, selector: &str) {
        self.wait(&format!("document.querySelector({selector:?})"));
        self.eval(&format!(
            "document.querySelector({selector:?}).click(); true"
        ));
    }

    fn text(&mut self, selector: &str) -> String {
        self.wait(&format!("document.querySelector({selector:?})"));
        self.eval(&format!("document.querySelector({selector:?}).innerText"))
            .as_str()
            .unwrap_or_default()
            .to_string()
    }

    fn screenshot(&mut self, name: &str) {
        let r = self.cmd(
            "Page.captureScreenshot",
            json!({"format": "png", "captureBeyondViewport": true}),
        );
        let png = base64::engine::general_purpose::STANDARD
            .decode(r["data"].as_str().expect("screenshot data"))
            .expect("base64 PNG");
        assert!(png.starts_with(b"\x89PNG"), "{name}: not a PNG");
        std::fs::create_dir_all(&self.shots).expect("screenshot dir");
        std::fs::write(self.shots.join(format!("{name}.png")), png).expect("screenshot written");
    }

    /// axe-core over the current page: no serious or critical violation.
    fn accessible(&mut self, step: &str) {
        if self.eval("typeof axe === 'undefined'") == json!(true) {
            let axe = std::fs::read_to_string(root().join("crates/cli/tests/ui/axe.min.js"))
                .expect("the vendored axe.min.js");
            self.eval(&format!("{axe}\n;true"));
        }
        let found = self.eval(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
               .filter(v => v.impact === 'serious' || v.impact === 'critical')
               .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ') + ' ' + (n.failureSummary || '')).join(' | ')))",
        );
        assert_eq!(
            found,
            json!([]),
            "{step}: accessibility violations: {found:#}"
        );
    }

    fn sign_in(&mut self, email: &str) {
        self.wait("document.querySelector('#login') || document.querySelector('#signout')");
        if self.eval("!!document.querySelector('#signout')") == json!(true) {
            self.click("#signout");
        }
        self.wait("document.querySelector('#login')");
        self.fill("#login input[type=email]", email);
        self.fill("#login input[type=password]", PASSWORD);
        self.click("#login button[type=submit]");
        self.wait("document.querySelector('#signout')");
    }

    /// Every request the page made went to the server's origin (or stayed in the page).
    fn only_same_origin(&self) {
        let mut seen = 0;
        for e in &self.events {
            if e["method"] == "Network.requestWillBeSent" {
                let url = e["params"]["request"]["url"].as_str().unwrap_or_default();
                seen += 1;
                assert!(
                    url.starts_with(&format!("{}/", self.base))
                        || url == self.base
                        || url.starts_with("data:")
                        || url.starts_with("blob:")
                        || url.starts_with("about:"),
                    "a request left the server's origin: {url}"
                );
            }
        }
        assert!(seen > 10, "the network was watched ({seen} requests)");
    }

    /// Nothing refused by the Content-Security-Policy, no script error.
    fn clean_console(&self) {
        for e in &self.events {
            let text = match e["method"].as_str() {
                Some("Log.entryAdded") => e["params"]["entry"]["text"].to_string(),
                Some("Runtime.exceptionThrown") => e["params"]["exceptionDetails"].to_string(),
                _ => continue,
            };
            assert!(
                !text.contains("Content Security Policy")
                    && e["method"] != "Runtime.exceptionThrown",
                "{text}"
            );
        }
    }
}

fn browser_available() -> bool {
    if Path::new(CHROMIUM).exists() {
        return true;
    }
    if std::env::var("INTERDICT_REQUIRE_BROWSER").as_deref() == Ok("1") {
        panic!("Chromium is required (INTERDICT_REQUIRE_BROWSER=1) but {CHROMIUM} is absent");
    }
    eprintln!(
        "notice: {CHROMIUM} is absent; skipping the browser tests (apt-get install chromium)"
    );
    false
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn day(n: i64) -> String {
    // 2025-01-06 is a Monday: day 20094.
    let z = 20_094 + n + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    format!("{:04}-{m:02}-{d:02}", if m <= 2 { y + 1 } else { y })
}

/// A video for Chromium's fake camera (`--use-file-for-fake-video-capture`): the greyscale PNG
/// of a label's QR code centred on white, as YUV4MPEG2 4:2:0 frames (luma the grey value,
/// chroma neutral), written by hand since no video tool is needed for a still picture.
fn y4m_of_png(png_bytes: &[u8]) -> Vec<u8> {
    let mut decoder = png::Decoder::new(std::io::Cursor::new(png_bytes));
    decoder.set_transformations(png::Transformations::EXPAND | png::Transformations::STRIP_16);
    let mut reader = decoder.read_info().expect("the QR code is a PNG");
    let mut buf = vec![0; reader.output_buffer_size().expect("a PNG of a sane size")];
    let info = reader.next_frame(&mut buf).expect("the PNG's pixels");
    let (w, h) = (info.width as usize, info.height as usize);
    let channels = info.color_type.samples();
    let grey = |x: usize, y: usize| buf[(y * info.line_size) + x * channels];
    // A margin of white around it, the sides even (4:2:0) and a multiple of 16.
    let side = (w.max(h) + 64).div_ceil(16) * 16;
    let (ox, oy) = ((side - w) / 2, (side - h) / 2);
    let mut luma = vec![255u8; side * side];
    for y in 0..h {
        for x in 0..w {
            luma[(oy + y) * side + ox + x] = grey(x, y);
        }
    }
    let chroma = vec![128u8; (side / 2) * (side / 2) * 2];
    let mut out = format!("YUV4MPEG2 W{side} H{side} F5:1 Ip A1:1 C420jpeg\n").into_bytes();
    for _ in 0..2 {
        out.extend_from_slice(b"FRAME\n");
        out.extend_from_slice(&luma);
        out.extend_from_slice(&chroma);
    }
    out
}

/// The walks share the machine's two cores: one at a time.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

#[test]
fn the_pages_work_in_a_real_browser_on_sqlite() {
    if !browser_available() {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    walk(Db::sqlite());
}

#[test]
fn the_pages_work_in_a_real_browser_on_postgres() {
    if !browser_available() {
        return;
    }
    let required = std::env::var("INTERDICT_REQUIRE_PG").as_deref() == Ok("1");
    if std::env::var("INTERDICT_TEST_PG").is_err() && !required {
        eprintln!("notice: INTERDICT_TEST_PG is not set; skipping the browser walk on PostgreSQL");
        return;
    }
    let Some(db) = postgres("ui") else { return };
    let _one = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    walk(db);
}

/// The whole walk on one database.
fn walk(db: Db) {
    admin_init(&db);
    let cn_org = add_org(
        &db,
        "China NMPA precursors office",
        "CN",
        "competent_authority",
    );
    let mx_org = add_org(&db, "COFEPRIS", "MX", "competent_authority");
    let cn = add_user_with_password(&db, &cn_org, "officer@cn.test", "officer", PASSWORD);
    let mx = add_user_with_password(&db, &mx_org, "officer@mx.test", "officer", PASSWORD);
    let s = start(&db);

    // Incidents behind an alert: steady fentanyl seizures in Mexico, then a sustained rise.
    let mut lines = String::new();
    for w in 0..78 {
        let n = if w >= 70 { 8 } else { 1 + (w % 3 == 0) as i64 };
        for k in 0..n {
            lines.push_str(&format!(
                "{}\n",
                json!({"type": "seizure", "date": day(7 * w + k % 5), "substances": [{"text": "fentanyl"}],
                    "distribution": "country", "tlp": "green", "reference": format!("mx-{w}-{k}")})
            ));
        }
    }
    let imported = request(
        &s,
        "POST",
        "/api/v1/incidents:import",
        Some(&mx),
        Some(("application/x-ndjson", lines.as_bytes())),
    );
    assert_eq!(imported.status, 200, "{}", imported.body);

    let shots = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("../ui-screenshots")
        .join(db.backend());
    let (_browser, port) = launch(&[]);
    let mut p = Page::open(&port, &s.base, shots.clone());
    p.cmd("Page.navigate", json!({"url": format!("{}/", s.base)}));

    // Sign in.
    p.wait("document.querySelector('#login')");
    p.eval("localStorage.setItem('interdict.lang', 'en'); true");
    p.accessible("sign-in");
    p.screenshot("01-sign-in");
    p.sign_in("officer@cn.test");

    // Screening desk: the example declarations.
    p.go("#/screen");
    let csv = std::fs::read_to_string(root().join("examples/declarations.csv")).expect("examples");
    let lines_in = csv.lines().filter(|l| !l.trim().is_empty()).count() - 1;
    p.fill("#decl-input", &csv);
    p.click("#screen-run");
    p.wait("document.querySelector('#screen-summary')");
    let rows = p.eval("document.querySelectorAll('#screen-results tbody tr').length");
    assert_eq!(rows, json!(lines_in), "one row per declaration");
    let high = p.eval("document.querySelectorAll('#screen-results tr.row-high, #screen-results tr.row-critical').length");
    assert!(high.as_u64().unwrap_or(0) > 0, "some lines are high risk");
    p.fill("#filter-level", "high");
    let shown = p.eval("[...document.querySelectorAll('#screen-results tbody tr')].every(r => r.className === 'row-high')");
    assert_eq!(shown, json!(true), "the level filter shows only high lines");
    p.accessible("screening");
    p.screenshot("02-screening");

    // File a notification to Mexico.
    p.go("#/pens?role=outgoing");
    p.wait("document.querySelector('#pen-form')");
    for (sel, v) in [
        ("#pen-importing", "MX"),
        ("#pen-transit", "US"),
        ("#pen-substance", "39742-60-4"),
        ("#pen-qty", "500"),
        ("#pen-hs", "2933.39"),
        ("#pen-exit", "CNSHA"),
        ("#pen-entry", "MXZLO"),
        ("#pen-carrier", "COSCO Shipping"),
        ("#pen-dispatch", "2030-01-10"),
        ("#pen-arrival", "2030-02-20"),
        ("#pen-invoice", "INV-77"),
        ("#pen-auth", "EA-2026-5"),
        ("#exporter-name", "Hubei Fine Chemical Co"),
        ("#exporter-address", "Wuhan"),
        ("#importer-name", "Quimica Industrial SA"),
        ("#importer-address", "CDMX"),
        ("#importer-country", "MX"),
        ("#consignee-name", "Quimica Industrial SA"),
        ("#consignee-address", "CDMX"),
        ("#consignee-country", "MX"),
    ] {
        p.fill(sel, v);
    }
    p.wait("document.querySelector('#pen-resolved').innerText.includes('CAS')");
    // Screened before sending: the draft's substance, level and flags, and nothing stored yet.
    p.wait("document.querySelector('#pen-draft-substance') && document.querySelector('#pen-draft-substance').innerText.includes('39742-60-4') && document.querySelector('#pen-draft-level')");
    let draft_text = p.text("#pen-draft");
    assert!(
        draft_text.contains("CONTROLLED_PRECURSOR") && !draft_text.contains("null"),
        "the draft's flags, with their evidence: {draft_text}"
    );
    let draft_level = p.text("#pen-draft-level");
    assert!(!draft_level.trim().is_empty(), "the draft has a level");
    let draft_flags = p.eval(
        "[...document.querySelectorAll('#pen-draft ul.flags > li > code')].map(c => c.textContent)",
    );
    let outgoing = request(&s, "GET", "/api/v1/pens?role=outgoing", Some(&cn), None);
    assert_eq!(
        outgoing.json()["items"],
        json!([]),
        "screening a draft stores nothing"
    );
    p.accessible("filing draft");
    p.screenshot("03-notification-draft");
    p.click("#pen-submit");
    let pen = p.text("#pen-filed-link");
    assert!(pen.starts_with("PEN-CN-"), "{pen}");
    assert_eq!(
        p.text("#pen-filed .screening .badge"),
        draft_level,
        "filing screens as the draft did"
    );
    assert_eq!(
        p.eval("[...document.querySelectorAll('#pen-filed ul.flags > li > code')].map(c => c.textContent)"),
        draft_flags,
        "the same flags at filing as in the draft"
    );
    p.accessible("filing");
    p.screenshot("04-notification-filed");

    // Answer it as Mexico: acknowledge, no objection; the label appears.
    p.sign_in("officer@mx.test");
    p.go("#/pens?role=incoming");
    p.wait(&format!(
        "document.querySelector('#pen-list').innerText.includes({pen:?})"
    ));
    p.go(&format!("#/pen/{pen}"));
    p.click("#do-acknowledge");
    p.wait("document.querySelector('.st-acknowledged')");
    p.fill("#reply-decision", "no_objection");
    p.click("#do-reply");
    let label = p.text("#label-text-out");
    assert!(label.starts_with("ITD1."), "{label}");
    p.wait("document.querySelector('#pen-label svg')");
    let history = p.text("#pen-history");
    assert!(
        history.contains("acknowledge") && history.contains("reply"),
        "{history}"
    );
    p.accessible("notification");
    p.screenshot("05-notification-label");

    // Label check in the browser (WebCrypto Ed25519 over the cached keys).
    p.go("#/label");
    p.wait("document.querySelector('#keys-status').innerText.includes('2')");
    p.fill("#label-text", &label);
    p.click("#label-check");
    p.wait("document.querySelector('#label-verdict')");
    assert_eq!(p.text("#label-verdict"), "VALID");
    assert!(
        p.eval("JSON.parse(localStorage.getItem('interdict.keys')).keys.length >= 2")
            == json!(true),
        "the keys are cached for offline use"
    );
    p.accessible("label check");
    p.screenshot("06-label-valid");
    let parts: Vec<&str> = label.split('.').collect();
    let mut payload = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(parts[1])
        .expect("payload");
    let text = String::from_utf8(payload.clone()).expect("UTF-8");
    // Only the quantity changes: a "500" elsewhere (in the key id, say) would make the label
    // fail for another reason than the one this step checks.
    let quantity_at = text.find("\"quantity\":").expect("a quantity");
    let quantity_end = quantity_at + text[quantity_at..].find('}').expect("quantity object");
    let changed = format!(
        "{}{}{}",
        &text[..quantity_at],
        text[quantity_at..quantity_end].replace("500", "900"),
        &text[quantity_end..]
    );
    assert_ne!(text, changed, "the quantity is in the payload");
    payload = changed.into_bytes();
    let forged = format!(
        "ITD1.{}.{}",
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(payload),
        parts[2]
    );
    p.eval("document.querySelector('#label-verdict').remove(); true");
    p.fill("#label-text", &forged);
    p.click("#label-check");
    p.wait("document.querySelector('#label-verdict')");
    assert_eq!(p.text("#label-verdict"), "NOT VALID");
    assert!(
        p.text("#label-result")
            .contains("changed after it was signed"),
        "the reason is given"
    );
    p.screenshot("07-label-changed");

    // The same label read by a camera: a second browser whose fake camera films the QR code.
    let qr = request(
        &s,
        "GET",
        &format!("/api/v1/pens/{pen}/label?format=png"),
        Some(&mx),
        None,
    );
    assert_eq!(qr.status, 200, "{}", qr.body);
    let video = tempfile::Builder::new()
        .suffix(".y4m")
        .tempfile()
        .expect("video file");
    std::fs::write(video.path(), y4m_of_png(&qr.bytes)).expect("video written");
    let (_camera_browser, camera_port) = launch(&[
        "--use-fake-ui-for-media-stream".into(),
        "--use-fake-device-for-media-stream".into(),
        format!(
            "--use-file-for-fake-video-capture={}",
            video.path().display()
        ),
    ]);
    let mut c = Page::open(&camera_port, &s.base, shots.clone());
    c.cmd("Page.navigate", json!({"url": format!("{}/", s.base)}));
    c.wait("document.querySelector('#login')");
    c.eval("localStorage.setItem('interdict.lang', 'en'); true");
    c.sign_in("officer@mx.test");
    c.go("#/label");
    c.wait("document.querySelector('#keys-status').innerText.includes('2')");
    c.click("#label-scan");
    c.wait("document.querySelector('#label-verdict')");
    assert_eq!(c.text("#label-verdict"), "VALID");
    assert_eq!(
        c.eval("[document.querySelector('#scan-video').hidden, document.querySelector('#label-scan').textContent]"),
        json!([true, "Scan with the camera"]),
        "the camera is off once the code is read"
    );
    assert_eq!(
        c.eval("document.querySelector('#label-text').value"),
        json!(label),
        "the camera read the label's text"
    );
    let decoder = c.eval("document.querySelector('#scan-status').dataset.decoder");
    assert!(
        decoder == json!("jsQR") || decoder == json!("BarcodeDetector"),
        "{decoder}"
    );
    eprintln!("the camera's QR code was read by {decoder}");
    c.accessible("label camera");
    c.screenshot("08-label-camera");
    c.only_same_origin();
    c.clean_console();

    // Enter an incident and find it.
    p.go("#/incidents");
    p.wait("document.querySelector('#inc-form')");
    // Dated within the seeded weeks, so the alert window stays on the fentanyl rise.
    p.fill("#inc-date", &day(7 * 77 + 2));
    p.fill("#inc-substance", "39742-60-4");
    p.fill("#inc-qty", "12");
    p.fill("#inc-locode", "MXZLO");
    p.fill(
        "#inc-description",
        "NPP in drums declared as an organic intermediate",
    );
    p.click("#inc-submit");
    let inc = p.text("#inc-created-link");
    assert!(inc.starts_with("INC-MX-"), "{inc}");
    p.fill("#inc-q", "organic intermediate");
    p.click("#inc-search-run");
    p.wait(&format!(
        "document.querySelector('#inc-results').innerText.includes({inc:?})"
    ));
    p.accessible("incidents");
    p.screenshot("09-incidents");
    p.go(&format!("#/incident/{inc}"));
    let who = p.text("#inc-visibility");
    assert!(who.contains("Who can see this"), "{who}");
    // No coordinates on this one: the pin is at Mexico's point, over the country outlines.
    p.wait("document.querySelector('#inc-map svg circle.pin')");
    let countries = p.eval("document.querySelectorAll('#inc-map svg .land path.country').length");
    assert!(
        countries.as_u64().unwrap_or(0) > 150,
        "{countries} countries drawn"
    );
    assert!(
        p.text("#inc-map-caption").contains("MX"),
        "the country's point"
    );
    let pin = p.eval("[document.querySelector('#inc-map circle.pin').dataset.lat, document.querySelector('#inc-map circle.pin').dataset.lon].map(Number)");
    let centroids = common::call(
        "GET",
        &format!("{}/ui/geo/centroids.json", s.base),
        &[],
        None,
    )
    .json();
    assert_eq!(pin, centroids["MX"], "the pin stands on Mexico's point");
    // An attachment uploaded from the page (with the CSRF token), listed with its hash,
    // downloaded back the same.
    let report = "Laboratory report: 1-phenethyl-4-piperidone (NPP), 98 % by GC-MS.\n";
    let sha = hex(&sha2::Sha256::digest(report.as_bytes()));
    p.wait("document.querySelector('#att-file')");
    p.eval(&format!(
        "(() => {{ const dt = new DataTransfer(); dt.items.add(new File([{report:?}], 'report.txt', {{type: 'text/plain'}}));
           const el = document.querySelector('#att-file'); el.files = dt.files; el.dispatchEvent(new Event('change', {{bubbles: true}})); return true; }})()"
    ));
    p.click("#att-upload");
    p.wait(&format!(
        "document.querySelector('#att-list').innerText.includes({sha:?})"
    ));
    assert!(
        p.text("#att-list").contains("report.txt") && p.text("#att-list").contains("text/plain")
    );
    let downloaded = p
        .eval("fetch(document.querySelector('#att-list a.att-download').href).then(r => r.text())");
    assert_eq!(
        downloaded,
        json!(report),
        "the download is what was attached"
    );
    p.accessible("incident");
    p.screenshot("10-incident");
    // One with coordinates: the pin is where it was reported.
    let placed = request(
        &s,
        "POST",
        "/api/v1/incidents",
        Some(&mx),
        Some((
            "application/json",
            json!({"type": "seizure", "date": day(7 * 77 + 3), "substances": [{"text": "fentanyl"}],
                   "place": {"lat": 20.5, "lon": -103.25, "description": "warehouse"},
                   "distribution": "country", "tlp": "green"})
            .to_string()
            .as_bytes(),
        )),
    );
    assert_eq!(placed.status, 201, "{}", placed.body);
    let placed_id = placed.json()["id"].as_str().expect("an id").to_string();
    p.go(&format!("#/incident/{placed_id}"));
    // Wait for this incident's page, not the previous one's pin still on screen.
    p.wait(&format!(
        "location.hash.endsWith('{placed_id}') && document.querySelector('#inc-map svg circle.pin')?.dataset.lat === '20.5'"
    ));
    assert_eq!(
        p.eval("[document.querySelector('#inc-map circle.pin').dataset.lat, document.querySelector('#inc-map circle.pin').dataset.lon].map(Number)"),
        json!([20.5, -103.25])
    );
    assert!(p.text("#inc-map-caption").contains("coordinates"));

    // An alert's chart.
    p.go("#/alerts");
    p.wait("document.querySelector('#alert-chart-0 svg.chart rect.bar')");
    p.eval("document.querySelectorAll('.open-chart').forEach((b, i) => { if (i > 0) b.click(); }); true");
    p.wait("document.querySelector('svg.chart rect.bar.alarm')");
    let listed = p.text("#alert-list");
    assert!(
        listed.to_lowercase().contains("fentanyl"),
        "the fentanyl rise is listed: {listed}"
    );
    p.accessible("alerts");
    p.screenshot("11-alert-chart");

    // The flow map: the notified corridor CN → MX as an arc between points.
    p.go("#/flows");
    p.wait("document.querySelector('svg.flowmap path.arc')");
    // Over the country outlines: countries drawn first, the arcs on top.
    let drawn = p.eval("(() => { const svg = document.querySelector('svg.flowmap'); const kids = [...svg.children];
        return [svg.querySelectorAll('.land path.country').length, kids.indexOf(svg.querySelector('.land')) < kids.indexOf(svg.querySelector('path.arc'))]; })()");
    assert!(
        drawn[0].as_u64().unwrap_or(0) > 150 && drawn[1] == json!(true),
        "{drawn}"
    );
    let nodes =
        p.eval("[...document.querySelectorAll('svg.flowmap .node text')].map(t => t.textContent)");
    let nodes: Vec<String> = serde_json::from_value(nodes).expect("node names");
    assert!(
        nodes.contains(&"CN".to_string()) && nodes.contains(&"MX".to_string()),
        "{nodes:?}"
    );
    p.accessible("flows");
    p.screenshot("12-flow-map");

    // The other pages open without error, in Spanish too.
    for hash in [
        "#/substance/npp",
        "#/classify?smiles=CCC(%3DO)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1",
        "#/needs",
        "#/audit",
    ] {
        p.go(hash);
        p.wait("document.querySelector('.page h1, .page article h1') && !document.querySelector('main').innerText.includes('Working')");
        assert!(
            p.eval("!document.querySelector('main .error')") == json!(true),
            "{hash}: {}",
            p.text("main")
        );
        p.accessible(hash);
    }
    p.wait("document.querySelector('#audit-verdict') && document.querySelector('#audit-verdict').innerText.includes('verified')");
    p.screenshot("13-audit");
    p.go("#/classify?smiles=CCC(%3DO)N(c1ccccc1)C1CCN(CCc2ccccc2)CC1");
    p.wait("document.querySelector('#classify-result svg.mol')");
    p.screenshot("14-structure");
    p.fill("#lang", "es");
    p.wait("document.querySelector('#nav').innerText.includes('Notificaciones')");
    p.screenshot("15-spanish");

    p.only_same_origin();
    p.clean_console();
    eprintln!("screenshots in {}", shots.display());
}
