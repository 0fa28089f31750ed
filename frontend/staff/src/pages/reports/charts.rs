//! A distribution as a stacked bar, drawn as SVG by hand (no chart
//! library in the download). The bar is an image with its text
//! alternative; the same figures are in a table beside it.

use leptos::prelude::*;

use crate::i18n::Lang;

/// Bad to good; each at least 3:1 against white, with white gaps between
/// segments, so every segment stands out from its neighbours. The legend's
/// swatches use the same colours as classes `sw-0`..`sw-4` (style.css):
/// the Content-Security-Policy allows no inline styles.
const PALETTE: [&str; 5] = ["#b2182b", "#d6604d", "#767676", "#4393c3", "#2166ac"];

/// Which of the five colours step `i` of `steps` gets, where `good_high`
/// says whether a higher step is better.
fn shade(i: usize, steps: usize, good_high: bool) -> usize {
    if steps < 2 {
        return 2;
    }
    let pos = if good_high { i } else { steps - 1 - i };
    (pos * 4 + (steps - 1) / 2) / (steps - 1)
}

fn colour(i: usize, steps: usize, good_high: bool) -> &'static str {
    PALETTE[shade(i, steps, good_high).min(4)]
}

/// One segment per category with its share. `labels[i]` names category
/// `i`; `good_high` orients the colours.
#[component]
pub fn StackedBar(
    counts: Vec<i64>,
    labels: Vec<String>,
    good_high: bool,
    /// Unique on the page: ties the bar to its text alternative.
    id: String,
) -> impl IntoView {
    let lang = expect_context::<RwSignal<Lang>>();
    let total: i64 = counts.iter().sum();
    let steps = counts.len();
    let shares: Vec<f64> = counts
        .iter()
        .map(|&c| {
            if total > 0 {
                c as f64 * 100.0 / total as f64
            } else {
                0.0
            }
        })
        .collect();
    let alt = {
        let (labels, shares) = (labels.clone(), shares.clone());
        move || {
            labels
                .iter()
                .zip(&shares)
                .map(|(l, s)| format!("{l}: {}", crate::dates::percent(*s, lang.get())))
                .collect::<Vec<_>>()
                .join(", ")
        }
    };
    let mut x = 0.0;
    let segments: Vec<_> = shares
        .iter()
        .enumerate()
        .filter(|(_, s)| **s > 0.0)
        .map(|(i, s)| {
            let start = x;
            x += s;
            view! {
                <rect x=format!("{start:.2}") y="0" width=format!("{s:.2}") height="10"
                    fill=colour(i, steps, good_high) stroke="#fff" stroke-width="0.6"/>
            }
        })
        .collect();
    let title_id = format!("{id}-alt");
    let labelled_by = title_id.clone();
    view! {
        <svg class="bar" viewBox="0 0 100 10" preserveAspectRatio="none" role="img"
            aria-labelledby=labelled_by focusable="false">
            <title id=title_id>{alt}</title>
            {segments}
        </svg>
    }
}

/// The key for a bar's colours: each category with its swatch.
#[component]
pub fn Legend(labels: Vec<String>, good_high: bool) -> impl IntoView {
    let steps = labels.len();
    view! {
        <ul class="legend" aria-hidden="true">
            {labels.into_iter().enumerate().map(|(i, l)| view! {
                <li><span class=format!("swatch sw-{}", shade(i, steps, good_high))></span>{l}</li>
            }).collect_view()}
        </ul>
    }
}
