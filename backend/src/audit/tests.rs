use super::*;

fn chain_of(n: usize) -> Vec<Sealed> {
    let mut prev = GENESIS.to_string();
    (0..n)
        .map(|i| {
            let entry = Entry {
                id: i as i64 + 1,
                chain: "a".into(),
                at: chrono::DateTime::from_timestamp(1_700_000_000 + i as i64, 0)
                    .unwrap()
                    .naive_utc(),
                actor_id: "u".into(),
                actor_role: "controller_admin".into(),
                action: "employee.read".into(),
                object_type: "employee".into(),
                object_id: Some(format!("e{i}")),
                quantity: (i % 2 == 1).then_some(i as i64),
            };
            let seq = i as i64 + 1;
            let hash = entry_hash(&prev, seq, &entry);
            let s = Sealed {
                seq,
                prev_hash: prev.clone(),
                hash: hash.clone(),
                entry,
            };
            prev = hash;
            s
        })
        .collect()
}

#[test]
fn gdpr_1_intact_chain_verifies() {
    let v = verify_sealed(&chain_of(5));
    assert!(v.valid);
    assert_eq!(v.entries, 5);
}

#[test]
fn gdpr_1_edited_entry_breaks_chain() {
    let mut rows = chain_of(5);
    rows[2].entry.object_id = Some("someone-else".into());
    let v = verify_sealed(&rows);
    assert!(!v.valid);
    assert_eq!(v.broken_at, Some(3));
}

#[test]
fn gdpr_1_deleted_entry_breaks_chain() {
    let mut rows = chain_of(5);
    rows.remove(1);
    assert_eq!(verify_sealed(&rows).broken_at, Some(2));
}

#[test]
fn gdpr_1_reordered_entries_break_the_chain() {
    let mut rows = chain_of(5);
    rows.swap(1, 2);
    assert_eq!(verify_sealed(&rows).broken_at, Some(2));
}

#[test]
fn gdpr_1_rehashed_entry_still_breaks_the_next_link() {
    let mut rows = chain_of(4);
    rows[1].entry.actor_id = "mallory".into();
    rows[1].hash = entry_hash(&rows[1].prev_hash, rows[1].seq, &rows[1].entry);
    assert_eq!(verify_sealed(&rows).broken_at, Some(3));
}
