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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_flood_of_password_checks_waits_its_turn_and_the_excess_is_turned_away() {
    let hasher = std::sync::Arc::new(Hasher::new(1));
    let tasks: Vec<_> = (0..MAX_WAITING + 40)
        .map(|_| {
            let h = hasher.clone();
            tokio::spawn(async move { h.verify("guess".into(), None).await })
        })
        .collect();
    let (mut checked, mut busy) = (0, 0);
    for t in tasks {
        match t.await {
            Ok(Ok(_)) => checked += 1,
            Ok(Err(AppError::Unavailable(_))) => busy += 1,
            other => panic!("unexpected: {other:?}"),
        }
    }
    // One at a time, the queue full, the rest told to come back: no
    // unbounded pile of argon2 work.
    assert!(checked >= MAX_WAITING, "{checked} checked");
    assert!(busy > 0, "nothing was turned away");
    assert_eq!(hasher.waiting.load(std::sync::atomic::Ordering::SeqCst), 0);
}
