use super::*;

#[test]
fn org_2_emails_are_normalised() {
    let e = EmailAddress::parse("  Kari.Nordmann@Etat.NO ", "email").unwrap();
    assert_eq!(e.as_str(), "kari.nordmann@etat.no");
}

#[test]
fn org_2_bad_emails_are_rejected_with_reason() {
    for bad in [
        "",
        "kari",
        "kari@",
        "@etat.no",
        "kari@@etat.no",
        "kari etat@no.no",
    ] {
        let err = EmailAddress::parse(bad, "email").unwrap_err();
        assert_eq!(err.field, "email");
        assert!(
            err.code.as_str() == "invalid_email" || err.code.as_str() == "required",
            "{bad}"
        );
    }
}

#[test]
fn org_1_external_ids_are_trimmed_and_bounded() {
    assert_eq!(ExternalId::parse(" A-1 ", "x").unwrap().as_str(), "A-1");
    assert!(ExternalId::parse("", "x").is_err());
    assert!(ExternalId::parse(&"x".repeat(101), "x").is_err());
}
