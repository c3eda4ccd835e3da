//! The OpenAPI document is generated from the code; this snapshot makes every contract change
//! show in review. After an intended change: `INTERDICT_UPDATE_SNAPSHOTS=1 cargo test -p
//! interdict-server --test openapi` and commit `crates/server/openapi.json`.

#[test]
fn the_openapi_document_matches_its_snapshot() {
    let doc = interdict_server::openapi::document();
    let text = serde_json::to_string_pretty(&doc).expect("serialisable") + "\n";
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("openapi.json");
    if std::env::var("INTERDICT_UPDATE_SNAPSHOTS").as_deref() == Ok("1") {
        std::fs::write(&path, &text).expect("snapshot written");
        return;
    }
    let snapshot = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        snapshot == text,
        "the OpenAPI document changed; review it and update the snapshot with \
         INTERDICT_UPDATE_SNAPSHOTS=1 cargo test -p interdict-server --test openapi"
    );
}

#[test]
fn every_route_is_documented_with_its_errors() {
    let doc = interdict_server::openapi::document();
    let paths = doc["paths"].as_object().expect("paths");
    for path in [
        "/healthz",
        "/readyz",
        "/metrics",
        "/api/v1/me",
        "/api/v1/session",
        "/api/v1/organisations",
        "/api/v1/users",
        "/api/v1/tokens",
        "/api/v1/tokens/{id}",
        "/api/v1/identify",
        "/api/v1/classify",
        "/api/v1/parties/match",
        "/api/v1/screen",
        "/api/v1/substances",
        "/api/v1/substances/{id}",
        "/api/v1/lists",
        "/api/v1/lists/import",
    ] {
        assert!(paths.contains_key(path), "{path} is not in the document");
    }
    for (path, ops) in paths {
        for (method, op) in ops.as_object().expect("operations") {
            let secured = op.get("security").is_some();
            if secured {
                assert!(
                    op["responses"].get("401").is_some(),
                    "{method} {path} needs a 401 answer"
                );
            }
        }
    }
    assert!(doc["openapi"]
        .as_str()
        .is_some_and(|v| v.starts_with("3.1")));
}
