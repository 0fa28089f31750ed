use std::collections::HashSet;

use tillit_api::{Questionnaire, TopicFlag};

fn default() -> Questionnaire {
    serde_json::from_str(super::DEFAULT).unwrap()
}

#[test]
fn q_1_default_is_valid_in_three_languages() {
    let q = default();
    assert_eq!(super::validate::check(&q), vec![]);
    for t in &q.topics {
        for qu in &t.questions {
            for s in [&qu.text.nb, &qu.text.nn, &qu.text.en] {
                assert!(!s.trim().is_empty(), "{} lacks a text", qu.key);
            }
        }
    }
    // Each scale offers "not relevant / don't know" (or "prefer not to say").
    assert!(q.scales.values().all(|s| s.not_applicable.is_some()));
}

#[test]
fn q_2_sensitive_health_and_leadership_topics_are_flagged() {
    let q = default();
    let flagged = |flag: TopicFlag| -> HashSet<&str> {
        q.topics
            .iter()
            .filter(|t| t.flags.contains(&flag))
            .map(|t| t.key.as_str())
            .collect()
    };
    assert_eq!(
        flagged(TopicFlag::Sensitive),
        HashSet::from(["bullying", "sexual_attention"])
    );
    assert_eq!(flagged(TopicFlag::Health), HashSet::from(["health"]));
    assert!(flagged(TopicFlag::Leadership).contains("leadership"));
}

#[test]
fn q_3_default_covers_the_usual_factors_with_50_to_70_items() {
    let q = default();
    assert!(
        (50..=70).contains(&q.item_count()),
        "{} items",
        q.item_count()
    );
    let keys: HashSet<&str> = q
        .topics
        .iter()
        .filter(|t| t.module == "core")
        .map(|t| t.key.as_str())
        .collect();
    for factor in [
        "demands",
        "control",
        "role",
        "leadership",
        "social",
        "engagement",
        "bullying",
        "sexual_attention",
        "health",
    ] {
        assert!(keys.contains(factor), "core lacks {factor}");
    }
    let optional: Vec<&str> = q
        .modules
        .iter()
        .filter(|(_, m)| m.optional)
        .map(|(k, _)| k.as_str())
        .collect();
    assert!(optional.len() >= 3);
}

#[test]
fn q_1_invalid_documents_name_each_problem() {
    let mut q = default();
    q.topics[0].questions[0].scale = "nope".into();
    q.topics[1].questions[0].key = q.topics[0].questions[1].key.clone();
    q.topics[2].title.nn = " ".into();
    let fields: Vec<String> = super::validate::check(&q)
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert!(fields.contains(&"content.topics[0].questions[0].scale".to_string()));
    assert!(fields.contains(&"content.topics[1].questions[0].key".to_string()));
    assert!(fields.contains(&"content.topics[2].title.nn".to_string()));
}
