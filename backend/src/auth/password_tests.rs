use tillit_api::FieldCode;

use super::*;

#[test]
fn hashes_verify_and_reject() -> Result<(), AppError> {
    let h = hash_now("correct horse battery")?;
    assert!(h.starts_with("$argon2id$"));
    assert!(verify_now("correct horse battery", Some(&h)));
    assert!(!verify_now("wrong", Some(&h)));
    assert!(!verify_now("anything", None));
    Ok(())
}

fn code(password: &str) -> Option<FieldCode> {
    check_policy(
        password,
        "kari.nordmann@etat.no",
        "Kari Nordmann",
        "password",
    )
    .err()
    .map(|e| e.code)
}

#[test]
fn the_policy_refuses_common_guessable_and_personal_passwords() {
    // Long enough, and still among the first guesses of any attacker.
    for weak in [
        "password1234",
        "qwertyuiopasdf",
        "111111111111",
        "abcdefghijkl",
    ] {
        assert_eq!(code(weak), Some(FieldCode::WeakPassword), "{weak}");
    }
    assert_eq!(
        code("kari.nordmann@etat.no!"),
        Some(FieldCode::PasswordContainsEmail)
    );
    assert_eq!(
        code("KARI.NORDMANN-2024"),
        Some(FieldCode::PasswordContainsEmail)
    );
    assert_eq!(code("short"), Some(FieldCode::Length));
    // A phrase of unrelated words passes.
    assert_eq!(code("fiolin tørrfisk parasoll 1987"), None);
    assert_eq!(code("a long test password"), None);
}
