//! Dates as people read them. Written out by hand: chrono's strftime
//! machinery costs the download more than these few lines.

use chrono::{Datelike, NaiveDate, Timelike};

/// 24.12.2026, as Norwegians write it.
pub fn day<D: Datelike>(d: &D) -> String {
    format!("{:02}.{:02}.{}", d.day(), d.month(), d.year())
}

/// 2026-12-24, the value of an `<input type="date">`.
pub fn iso_day<D: Datelike>(d: &D) -> String {
    format!("{}-{:02}-{:02}", d.year(), d.month(), d.day())
}

/// 2026-12-24 13:05.
pub fn minute<D: Datelike + Timelike>(d: &D) -> String {
    format!("{} {:02}:{:02}", iso_day(d), d.hour(), d.minute())
}

/// Reads what an `<input type="date">` holds.
pub fn parse_iso_day(s: &str) -> Option<NaiveDate> {
    let mut parts = s.trim().splitn(3, '-').map(|p| p.parse::<u32>().ok());
    let (y, m, d) = (parts.next()??, parts.next()??, parts.next()??);
    NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d)
}

/// One decimal without the float formatter: 87.46 → "87.5".
pub fn one_decimal(x: f64) -> String {
    let tenths = (x * 10.0).round() as i64;
    format!("{}.{}", tenths / 10, (tenths % 10).abs())
}

/// A whole number as the reader writes it: 12 345 in Norwegian (a narrow
/// no-break space groups thousands), 12,345 in English.
pub fn number(n: i64, l: crate::i18n::Lang) -> String {
    let digits = n.unsigned_abs().to_string();
    let sep = match l {
        crate::i18n::Lang::En => ",",
        _ => "\u{202f}",
    };
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    if n < 0 {
        out.insert(0, '−');
    }
    out
}

/// A percentage with one decimal: "87,5 %" in Norwegian, "87.5%" in English.
pub fn percent(x: f64, l: crate::i18n::Lang) -> String {
    let s = one_decimal(x);
    match l {
        crate::i18n::Lang::En => format!("{s}%"),
        _ => format!("{} %", s.replace('.', ",")),
    }
}
