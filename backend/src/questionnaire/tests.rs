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

#[test]
fn q_5_every_item_has_a_direction_and_every_topic_a_factor() {
    use tillit_api::{Direction, Factor};
    let q = default();
    for t in &q.topics {
        let factor = t.factor.expect("every default topic has a factor");
        let risk = ["demands", "bullying", "sexual_attention", "health"].contains(&t.key.as_str());
        assert_eq!(factor == Factor::Risk, risk, "{}", t.key);
        for qu in &t.questions {
            // Agreeing is good; how often, how bothered, whether it happened: bad.
            let expected = if qu.scale == "agree5" {
                Direction::HigherIsBetter
            } else {
                Direction::HigherIsWorse
            };
            assert_eq!(qu.direction, Some(expected), "{}", qu.key);
        }
    }
    assert!(!q.indices.is_empty());
}

#[test]
fn q_5_a_version_without_directions_is_refused_and_an_old_one_still_reads() {
    let mut q = default();
    q.topics[0].questions[1].direction = None;
    q.topics[2].factor = None;
    let fields: Vec<String> = super::validate::check(&q)
        .into_iter()
        .map(|e| e.field)
        .collect();
    assert_eq!(
        fields,
        [
            "content.topics[0].questions[1].direction",
            "content.topics[2].factor"
        ]
    );
    // Versions stored before Q-5 have neither and still read.
    let mut old: serde_json::Value = serde_json::from_str(super::DEFAULT).unwrap();
    old.as_object_mut().unwrap().remove("indices");
    for t in old["topics"].as_array_mut().unwrap() {
        t.as_object_mut().unwrap().remove("factor");
        for qu in t["questions"].as_array_mut().unwrap() {
            qu.as_object_mut().unwrap().remove("direction");
        }
    }
    let old: Questionnaire = serde_json::from_value(old).unwrap();
    assert!(old.topics.iter().all(|t| t.factor.is_none()));
    assert!(old.indices.is_empty());
}

#[test]
fn q_5_indices_name_known_topics_and_never_agency_only_ones() {
    use tillit_api::FieldCode;
    let mut q = default();
    q.indices[0].topics.push("nope".into());
    q.indices[0].topics.push("bullying".into());
    q.indices[0].topics.push("health".into());
    let codes: Vec<(String, FieldCode)> = super::validate::check(&q)
        .into_iter()
        .map(|e| (e.field, e.code))
        .collect();
    let n = q.indices[0].topics.len();
    assert_eq!(
        codes,
        [
            (
                format!("content.indices[0].topics[{}]", n - 3),
                FieldCode::UnknownTopic
            ),
            (
                format!("content.indices[0].topics[{}]", n - 2),
                FieldCode::AgencyOnlyTopic
            ),
            (
                format!("content.indices[0].topics[{}]", n - 1),
                FieldCode::AgencyOnlyTopic
            ),
        ]
    );
}
