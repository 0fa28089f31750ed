#[test]
fn hashes_verify_and_reject() {
    let h = super::hash("correct horse battery").unwrap();
    assert!(h.starts_with("$argon2id$"));
    assert!(super::verify("correct horse battery", Some(&h)));
    assert!(!super::verify("wrong", Some(&h)));
    assert!(!super::verify("anything", None));
}
