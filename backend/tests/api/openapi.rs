//! The committed spec is the generated one. Regenerate with
//! `UPDATE_OPENAPI=1 cargo test -p tillit-backend --test api openapi`.

#[test]
fn openapi_json_matches_the_handlers() {
    let generated = tillit_backend::openapi().to_pretty_json().unwrap();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../openapi/openapi.json");
    let committed = std::fs::read_to_string(path).unwrap_or_default();
    if std::env::var("UPDATE_OPENAPI").is_ok() {
        std::fs::write(path, format!("{generated}\n")).unwrap();
        return;
    }
    assert!(
        committed.trim_end() == generated.trim_end(),
        "openapi/openapi.json is out of date: run `UPDATE_OPENAPI=1 cargo test -p tillit-backend --test api openapi` and commit it"
    );
}
