//! The contract as an HR system's developer meets it: a Python client
//! (openapi-python-client) and a TypeScript client (openapi-typescript +
//! openapi-fetch) are generated from the committed `openapi/openapi.json`,
//! and the sync in `examples/hr-sync/` runs with each against the real
//! server: token, dry run, apply, retry, CSV, list back, a refused request.
//! `scripts/test` installs both generators (PyPI, npm).

use std::path::{Path, PathBuf};
use std::process::Command;

use tillit_e2e::Server;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn venv() -> PathBuf {
    std::env::var_os("TILLIT_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var("HOME").unwrap_or_default()).join(".cache/tillit-venv")
        })
}

/// Whether `tool` is installed; without it the test is skipped locally and
/// fails in CI, where `scripts/test` must have installed it.
fn have(tool: &Path, what: &str) -> bool {
    if tool.exists() {
        return true;
    }
    assert!(
        std::env::var_os("CI").is_none(),
        "{what} is not installed ({}): scripts/test installs it",
        tool.display()
    );
    eprintln!("skipped: {what} is not installed; run scripts/test");
    false
}

fn run(cmd: &mut Command, what: &str) -> String {
    let out = cmd.output().unwrap_or_else(|e| panic!("{what}: {e}"));
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(out.status.success(), "{what} failed:\n{text}");
    text
}

fn sync_env(cmd: &mut Command, s: &Server, tag: &str) {
    let (id, secret) = s.demo_login("integration");
    cmd.env("TILLIT_URL", &s.base)
        .env("HR_CLIENT_ID", id)
        .env("HR_CLIENT_SECRET", secret)
        .env("SYNC_TAG", tag);
}

#[tokio::test]
async fn org_2_hr_sync_with_a_generated_python_client() {
    let generator = venv().join("bin/openapi-python-client");
    if !have(&generator, "openapi-python-client") {
        return;
    }
    let out = std::env::temp_dir().join(format!("tillit-py-client-{}", uuid::Uuid::new_v4()));
    let spec = repo().join("openapi/openapi.json");
    let text = run(
        Command::new(&generator)
            .arg("generate")
            .arg("--path")
            .arg(&spec)
            .arg("--output-path")
            .arg(&out)
            .arg("--overwrite"),
        "openapi-python-client",
    );
    // Only the two CSV uploads' text/csv bodies and the browser's CSP
    // reports are beyond it; their JSON alternatives are generated.
    for line in text.lines().filter(|l| l.contains("WARNING parsing")) {
        assert!(
            line.contains("/csv ") || line.contains("/api/csp-report"),
            "{line}"
        );
    }
    let s = Server::start_demo().await;
    let mut cmd = Command::new(venv().join("bin/python"));
    cmd.arg(repo().join("examples/hr-sync/python/hr_sync.py"))
        .env("PYTHONPATH", &out);
    sync_env(&mut cmd, &s, "PY");
    let said = run(&mut cmd, "hr_sync.py");
    assert!(
        said.contains("python: synced 2 employees in 2 units"),
        "{said}"
    );
    let _ = std::fs::remove_dir_all(out);
}

#[tokio::test]
async fn org_2_hr_sync_with_a_generated_typescript_client() {
    let dir = repo().join("examples/hr-sync/typescript");
    let bin = dir.join("node_modules/.bin");
    if !have(&bin.join("openapi-typescript"), "openapi-typescript (npm)") {
        return;
    }
    run(
        Command::new(bin.join("openapi-typescript"))
            .arg("../../../openapi/openapi.json")
            .args(["-o", "schema.d.ts"])
            .current_dir(&dir),
        "openapi-typescript",
    );
    // The type check is half the test: the sync must compile against the
    // generated types.
    run(
        Command::new(bin.join("tsc"))
            .args(["-p", "."])
            .current_dir(&dir),
        "tsc",
    );
    let s = Server::start_demo().await;
    let mut cmd = Command::new("node");
    cmd.arg("dist/hr_sync.js").current_dir(&dir);
    sync_env(&mut cmd, &s, "TS");
    let said = run(&mut cmd, "node hr_sync.js");
    assert!(
        said.contains("typescript: synced 2 employees in 2 units"),
        "{said}"
    );
}
