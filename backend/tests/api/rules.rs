//! docs/rules.md stays true: every rule there lists exactly the tests named
//! after it (a test named `rep_8_…` proves REP-8), and no test names a rule
//! the document lacks. `UPDATE_RULES=1` rewrites the lists from the code.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const AREAS: &[&str] = &[
    "role", "terms", "org", "q", "surv", "resp", "anon", "rep", "gdpr", "dsr", "ret", "res",
];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let p = e.path();
        let name = p.file_name().unwrap().to_string_lossy().to_string();
        if p.is_dir() && !["target", "node_modules", "dist", ".git"].contains(&name.as_str()) {
            rust_files(&p, out);
        } else if name.ends_with(".rs") {
            out.push(p);
        }
    }
}

/// The rule ids a function name claims: `resp_2_dsr_1_x` claims RESP-2 and DSR-1.
fn rules_of(name: &str) -> Vec<String> {
    let parts: Vec<&str> = name.split('_').collect();
    let mut out = Vec::new();
    let mut i = 0;
    // Only a leading run of area_number pairs counts.
    while i + 1 < parts.len() && AREAS.contains(&parts[i]) && parts[i + 1].parse::<u32>().is_ok() {
        out.push(format!("{}-{}", parts[i].to_uppercase(), parts[i + 1]));
        i += 2;
    }
    out
}

/// Rule id → the tests named after it, as "`path`: `fn`" lines.
fn tests_in_code() -> BTreeMap<String, BTreeSet<String>> {
    let mut files = Vec::new();
    for dir in ["api", "backend", "frontend", "e2e"] {
        rust_files(&root().join(dir), &mut files);
    }
    let mut out: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap_or_default();
        let rel = f
            .strip_prefix(root())
            .unwrap()
            .to_string_lossy()
            .replace('\\', "/");
        for line in text.lines() {
            let line = line.trim_start();
            let Some(rest) = line
                .strip_prefix("fn ")
                .or_else(|| line.strip_prefix("async fn "))
            else {
                continue;
            };
            let name: String = rest
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            for rule in rules_of(&name) {
                out.entry(rule)
                    .or_default()
                    .insert(format!("- `{rel}`: `{name}`"));
            }
        }
    }
    out
}

fn rewrite(doc: &str, tests: &BTreeMap<String, BTreeSet<String>>) -> (String, Vec<String>) {
    let mut out = String::new();
    let mut seen = Vec::new();
    let mut rest = doc;
    while let Some(start) = rest.find("<!-- tests ") {
        let header_end = start + rest[start..].find("-->").unwrap() + 3;
        let rule = rest[start + 11..header_end - 3].trim().to_string();
        let close = header_end + rest[header_end..].find("<!-- /tests -->").unwrap();
        out.push_str(&rest[..header_end]);
        out.push('\n');
        match tests.get(&rule) {
            Some(list) => {
                for l in list {
                    out.push_str(l);
                    out.push('\n');
                }
            }
            None => out.push_str("- No test yet.\n"),
        }
        seen.push(rule);
        rest = &rest[close..];
    }
    out.push_str(rest);
    (out, seen)
}

#[test]
fn docs_rules_md_lists_every_test_of_every_rule() {
    let path = root().join("docs/rules.md");
    let doc = std::fs::read_to_string(&path).unwrap();
    let tests = tests_in_code();
    let (fresh, rules) = rewrite(&doc, &tests);
    let unknown: Vec<&String> = tests.keys().filter(|r| !rules.contains(r)).collect();
    assert!(
        unknown.is_empty(),
        "tests name rules docs/rules.md does not have: {unknown:?}"
    );
    // A rule with no test must say it is not built yet.
    let untested: Vec<&String> = rules
        .iter()
        .filter(|rule| {
            let at = doc.find(&format!("### {rule} ")).unwrap_or(0);
            let section = &doc[at..doc[at..].find("<!-- tests").map_or(doc.len(), |e| at + e)];
            !tests.contains_key(*rule) && !section.contains("Not built yet")
        })
        .collect();
    assert!(
        untested.is_empty(),
        "rules with no test that do not say they are not built yet: {untested:?}"
    );
    if std::env::var("UPDATE_RULES").is_ok() {
        std::fs::write(&path, fresh).unwrap();
        return;
    }
    assert!(
        doc == fresh,
        "docs/rules.md is out of date: run `UPDATE_RULES=1 cargo test -p tillit-backend --test api rules` and commit it"
    );
}

#[test]
fn the_readme_and_docs_stand_on_their_own() {
    let mut files = vec![root().join("README.md")];
    for e in std::fs::read_dir(root().join("docs")).unwrap().flatten() {
        files.push(e.path());
    }
    for f in files {
        let text = std::fs::read_to_string(&f).unwrap();
        for bad in ["../shared", "DOMAIN.md", "/work/"] {
            assert!(
                !text.contains(bad),
                "{} points outside the repository: {bad}",
                f.display()
            );
        }
    }
}

#[test]
fn docs_errors_md_documents_every_problem_and_field_code() {
    let doc = std::fs::read_to_string(root().join("docs/errors.md")).unwrap();
    let listed: BTreeSet<String> = doc
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split('`').next())
        .map(str::to_string)
        .collect();
    let mut codes: BTreeSet<String> = tillit_api::ProblemCode::ALL
        .iter()
        .map(|c| c.as_str().to_string())
        .collect();
    codes.extend(
        tillit_api::FieldCode::ALL
            .iter()
            .map(|c| c.as_str().to_string()),
    );
    codes.insert("unknown".into());
    let missing: Vec<&String> = codes.difference(&listed).collect();
    let stale: Vec<&String> = listed.difference(&codes).collect();
    assert!(
        missing.is_empty(),
        "codes docs/errors.md does not document: {missing:?}"
    );
    assert!(
        stale.is_empty(),
        "docs/errors.md documents codes that no longer exist: {stale:?}"
    );
}
