//! Times in answers. The server writes them with chrono (RFC 3339 in UTC,
//! e.g. `2026-11-28T20:35:25.123456Z`); the web apps read them back with
//! the small parser below instead of chrono's general one, which is a
//! twentieth of the respondent's download (7 KB brotli). Request bodies
//! keep chrono's own lenient reading, so clients may send any RFC 3339
//! offset.

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// `#[serde(with = "crate::time::utc")]` on a `DateTime<Utc>` in an answer.
pub mod utc {
    use super::*;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        t.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        let text = String::deserialize(d)?;
        parse(&text).ok_or_else(|| serde::de::Error::custom("not an RFC 3339 time"))
    }
}

/// The same for an `Option<DateTime<Utc>>`.
pub mod utc_opt {
    use super::*;

    pub fn serialize<S: Serializer>(t: &Option<DateTime<Utc>>, s: S) -> Result<S::Ok, S::Error> {
        t.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<DateTime<Utc>>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(text) => parse(&text)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("not an RFC 3339 time")),
            None => Ok(None),
        }
    }
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction](Z|±HH:MM)`, as RFC 3339 writes an instant.
pub fn parse(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Option<u32> {
        let digits = b.get(from..from + len)?;
        digits.iter().try_fold(0u32, |n, d| {
            d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0'))
        })
    };
    let sep = |at: usize, c: u8| b.get(at) == Some(&c);
    if !(sep(4, b'-') && sep(7, b'-') && matches!(b.get(10), Some(b'T' | b't' | b' '))) {
        return None;
    }
    if !(sep(13, b':') && sep(16, b':')) {
        return None;
    }
    let date = NaiveDate::from_ymd_opt(num(0, 4)? as i32, num(5, 2)?, num(8, 2)?)?;
    let (h, m, sec) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let mut at = 19;
    let mut nanos = 0u32;
    if sep(at, b'.') {
        at += 1;
        let start = at;
        while b.get(at).is_some_and(u8::is_ascii_digit) {
            if at - start < 9 {
                nanos = nanos * 10 + u32::from(b[at] - b'0');
            }
            at += 1;
        }
        if at == start {
            return None;
        }
        for _ in (at - start).min(9)..9 {
            nanos *= 10;
        }
    }
    let offset_secs: i64 = match b.get(at) {
        Some(b'Z' | b'z') if at + 1 == b.len() => 0,
        Some(&c @ (b'+' | b'-')) if at + 6 == b.len() && sep(at + 3, b':') => {
            let secs = i64::from(num(at + 1, 2)? * 3600 + num(at + 4, 2)? * 60);
            if c == b'+' {
                secs
            } else {
                -secs
            }
        }
        _ => return None,
    };
    let local = date.and_hms_nano_opt(h, m, sec, nanos)?;
    let utc = Utc.from_utc_datetime(&local);
    Some(utc - chrono::Duration::seconds(offset_secs))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::SecondsFormat;

    #[test]
    fn reads_what_chrono_writes() {
        for t in [
            Utc.with_ymd_and_hms(2026, 11, 28, 20, 35, 25).unwrap(),
            Utc.with_ymd_and_hms(2024, 2, 29, 0, 0, 0).unwrap()
                + chrono::Duration::nanoseconds(123_456_789),
            Utc.with_ymd_and_hms(1999, 12, 31, 23, 59, 59).unwrap()
                + chrono::Duration::microseconds(1),
        ] {
            let written = serde_json::to_string(&t).unwrap();
            assert_eq!(parse(written.trim_matches('"')), Some(t), "{written}");
            for f in [
                SecondsFormat::Secs,
                SecondsFormat::Millis,
                SecondsFormat::Nanos,
            ] {
                let s = t.to_rfc3339_opts(f, true);
                let back = parse(&s).unwrap();
                assert_eq!(back.to_rfc3339_opts(f, true), s);
            }
        }
    }

    #[test]
    fn offsets_are_turned_into_utc() {
        let t = parse("2026-11-28T21:35:25+01:00").unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 11, 28, 20, 35, 25).unwrap());
        assert_eq!(parse("2026-11-28T19:35:25-01:00"), Some(t));
    }

    #[test]
    fn anything_else_is_refused() {
        for bad in [
            "",
            "2026-11-28",
            "2026-11-28T20:35:25",
            "2026-13-28T20:35:25Z",
            "2026-02-30T20:35:25Z",
            "2026-11-28T24:00:00Z",
            "2026-11-28T20:35:25.Z",
            "2026-11-28T20:35:25Zjunk",
            "2026-11-28T20:35:25+0100",
            "20x6-11-28T20:35:25Z",
        ] {
            assert_eq!(parse(bad), None, "{bad}");
        }
    }
}
