//! A group's report as CSV: the figures the screen shows, in the reader's
//! language, with a hidden figure written as ":" and its reason in the
//! note column (REP-9). Two variants: RFC 4180, and one that opens as
//! columns in Excel set to Norwegian (byte-order mark, semicolon, decimal
//! comma).

use tillit_api::{
    CsvVariant, Figure, GroupKind, GroupReport, HiddenReason, Language, Questionnaire, ReportNote,
};

use crate::error::AppError;

struct Words {
    head: [&'static str; 10],
    whole_agency: &'static str,
    kinds: [&'static str; 5],
    reasons: [&'static str; 5],
    notes: [&'static str; 2],
    unanimous: &'static str,
    bands: [&'static str; 3],
}

fn words(l: Language) -> Words {
    match l {
        Language::Nb => Words {
            head: ["type", "nøkkel", "tittel", "n", "snitt", "forskjell hele virksomheten", "forskjell andre virksomheter", "forskjell forrige undersøkelse", "fordeling (%)", "merknad"],
            whole_agency: "Hele virksomheten",
            kinds: ["indeks", "tema", "spørsmål", "helse", "merknad"],
            reasons: ["Færre enn 6 svar i gruppen", "Skjult for å beskytte en mindre gruppe", "For få svar på dette", "Fordelingen vises fra 10 svar", "Skjult fordi et av spørsmålene er skjult"],
            notes: ["Resultater om ledelse beskriver lederne i enheten, som kan identifiseres ut fra rollen.", "Mobbing, uønsket seksuell oppmerksomhet og helseplager vises bare i rapporten for hele virksomheten."],
            unanimous: "Alle som svarte, svarte likt.",
            bands: ["lav", "middels", "høy"],
        },
        Language::Nn => Words {
            head: ["type", "nøkkel", "tittel", "n", "snitt", "skilnad heile verksemda", "skilnad andre verksemder", "skilnad førre undersøking", "fordeling (%)", "merknad"],
            whole_agency: "Heile verksemda",
            kinds: ["indeks", "tema", "spørsmål", "helse", "merknad"],
            reasons: ["Færre enn 6 svar i gruppa", "Skjult for å verne ei mindre gruppe", "For få svar på dette", "Fordelinga blir vist frå 10 svar", "Skjult fordi eit av spørsmåla er skjult"],
            notes: ["Resultat om leiing skildrar leiarane i eininga, som kan kjennast att ut frå rolla.", "Mobbing, uønskt seksuell merksemd og helseplager blir berre viste i rapporten for heile verksemda."],
            unanimous: "Alle som svarte, svarte likt.",
            bands: ["låg", "middels", "høg"],
        },
        Language::En => Words {
            head: ["type", "key", "title", "n", "mean", "difference to the whole agency", "difference to other agencies", "difference to the previous survey", "distribution (%)", "note"],
            whole_agency: "Whole agency",
            kinds: ["index", "topic", "question", "health", "note"],
            reasons: ["Fewer than 6 responses in the group", "Hidden to protect a smaller group", "Too few answers to this", "Distributions are shown from 10 answers", "Hidden because one of its questions is"],
            notes: ["Leadership results describe the unit's leaders, who can be identified by their role.", "Bullying, unwanted sexual attention and health complaints appear only in the whole agency's report."],
            unanimous: "Everyone who answered gave the same answer.",
            bands: ["low", "middle", "high"],
        },
    }
}

fn reason(w: &Words, h: HiddenReason) -> &'static str {
    w.reasons[match h {
        HiddenReason::TooFew => 0,
        HiddenReason::ProtectsOthers => 1,
        HiddenReason::TooFewAnswers => 2,
        HiddenReason::MeansOnly => 3,
        HiddenReason::PartHidden => 4,
    }]
}

/// A CSV writer for `variant`: comma or semicolon, CRLF line ends.
pub fn writer(variant: CsvVariant) -> csv::Writer<Vec<u8>> {
    csv::WriterBuilder::new()
        .delimiter(if variant == CsvVariant::Excel {
            b';'
        } else {
            b','
        })
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new())
}

/// The file's bytes; Excel reads UTF-8 only when the file starts by
/// saying so (a byte-order mark).
pub fn finish(out: csv::Writer<Vec<u8>>, variant: CsvVariant) -> Result<Vec<u8>, AppError> {
    let mut bytes = out
        .into_inner()
        .map_err(|e| AppError::internal(format!("writing the CSV: {e}")))?;
    if variant == CsvVariant::Excel {
        bytes.splice(0..0, [0xEF, 0xBB, 0xBF]);
    }
    Ok(bytes)
}

/// A number with `places` decimals, with a decimal comma for Excel.
pub fn number(x: f64, places: usize, variant: CsvVariant) -> String {
    let s = format!("{x:.places$}");
    if variant == CsvVariant::Excel {
        s.replace('.', ",")
    } else {
        s
    }
}

/// The file's name: the group's, made safe for any file system.
pub fn file_name(g: &GroupReport) -> String {
    let base: String = match g.group.kind {
        GroupKind::Agency => "agency".into(),
        _ => g
            .group
            .name
            .chars()
            .map(|c| if c.is_alphanumeric() { c } else { '-' })
            .collect(),
    };
    format!("report-{base}.csv")
}

pub fn csv(
    q: &Questionnaire,
    g: &GroupReport,
    variant: CsvVariant,
    lang: Language,
) -> Result<Vec<u8>, AppError> {
    let w = words(lang);
    let num = |x: f64, places: usize| number(x, places, variant);
    let delta = |d: Option<tillit_api::Delta>| d.map(|d| num(d.value, 1)).unwrap_or_default();
    let mut out = writer(variant);
    let fail = |e: csv::Error| AppError::internal(format!("writing the CSV: {e}"));
    out.write_record(w.head).map_err(fail)?;
    let name = match g.group.kind {
        GroupKind::Agency => w.whole_agency.to_string(),
        _ => g.group.name.clone(),
    };
    let n = g
        .group
        .responses
        .map(|n| n.to_string())
        .unwrap_or(":".into());
    let group_note = g.group.hidden.map(|h| reason(&w, h)).unwrap_or_default();
    out.write_record([
        w.kinds[4], "group", &name, &n, "", "", "", "", "", group_note,
    ])
    .map_err(fail)?;
    for note in &g.notes {
        let text = w.notes[match note {
            ReportNote::Leadership => 0,
            ReportNote::AgencyOnlyTopics => 1,
        }];
        out.write_record([w.kinds[4], "", text, "", "", "", "", "", "", ""])
            .map_err(fail)?;
    }
    for f in &g.figures {
        let (kind, title, labels) = describe(q, f, &w, lang);
        let mut notes: Vec<&str> = Vec::new();
        let mean = match (f.mean, f.mean_hidden) {
            (Some(m), _) => num(m, 1),
            (None, Some(h)) => {
                notes.push(reason(&w, h));
                ":".into()
            }
            _ => String::new(),
        };
        let dist = match (&f.distribution, f.distribution_hidden) {
            (Some(d), _) => {
                let total: i64 = d.iter().sum();
                d.iter()
                    .zip(
                        labels
                            .iter()
                            .map(String::as_str)
                            .chain(std::iter::repeat("")),
                    )
                    .map(|(c, l)| {
                        let p = if total > 0 {
                            *c as f64 * 100.0 / total as f64
                        } else {
                            0.0
                        };
                        format!("{l} {}", num(p, 1))
                    })
                    .collect::<Vec<_>>()
                    .join(" | ")
            }
            (None, Some(h)) if f.mean.is_some() => {
                notes.push(reason(&w, h));
                ":".into()
            }
            _ => String::new(),
        };
        if f.unanimous {
            notes.push(w.unanimous);
        }
        notes.dedup();
        out.write_record([
            kind,
            f.measure.as_str(),
            title.as_str(),
            &f.n.map(|n| n.to_string()).unwrap_or_default(),
            &mean,
            &delta(f.vs_agency),
            &delta(f.vs_benchmark),
            &delta(f.vs_previous),
            &dist,
            &notes.join(" "),
        ])
        .map_err(fail)?;
    }
    finish(out, variant)
}

/// (kind, title, category labels) of a figure.
fn describe(
    q: &Questionnaire,
    f: &Figure,
    w: &Words,
    lang: Language,
) -> (&'static str, String, Vec<String>) {
    let mut parts = f.measure.split(':');
    let (kind, key) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let bands: Vec<String> = w.bands.iter().map(|b| b.to_string()).collect();
    let topic_title = |k: &str| {
        q.topics
            .iter()
            .find(|t| t.key == k)
            .map(|t| t.title.get(lang).to_string())
            .unwrap_or_else(|| k.to_string())
    };
    match kind {
        "i" => (
            w.kinds[0],
            q.indices
                .iter()
                .find(|i| i.key == key)
                .map(|i| i.title.get(lang).to_string())
                .unwrap_or_else(|| key.to_string()),
            bands,
        ),
        "t" => (w.kinds[1], topic_title(key), bands),
        "h" => {
            let band = match parts.next() {
                Some("low") => w.bands[0],
                Some("middle") => w.bands[1],
                _ => w.bands[2],
            };
            (
                w.kinds[3],
                format!("{} ({band})", topic_title(key)),
                Vec::new(),
            )
        }
        _ => {
            let question = q
                .topics
                .iter()
                .flat_map(|t| &t.questions)
                .find(|x| x.key == key);
            let labels = question
                .and_then(|x| q.scales.get(&x.scale))
                .map(|s| s.labels.get(lang).to_vec())
                .unwrap_or_default();
            (
                w.kinds[2],
                question
                    .map(|x| x.text.get(lang).to_string())
                    .unwrap_or_else(|| key.to_string()),
                labels,
            )
        }
    }
}
