//! Small helpers: randomness, UUIDs, digests, base64url and timestamps.

use aws_lc_rs::digest;
use aws_lc_rs::rand::{SecureRandom, SystemRandom};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;

/// Fills a buffer with random bytes from the operating system.
pub(crate) fn random_bytes<const N: usize>() -> [u8; N] {
    let mut buf = [0u8; N];
    // SystemRandom only fails when the OS entropy source is broken; fall back to a digest of
    // the time and address so the fake never panics (its tokens need no real secrecy).
    if SystemRandom::new().fill(&mut buf).is_err() {
        let seed = format!("{:?}{:p}", std::time::SystemTime::now(), &buf);
        let d = digest::digest(&digest::SHA256, seed.as_bytes());
        for (dst, src) in buf.iter_mut().zip(d.as_ref().iter().cycle()) {
            *dst = *src;
        }
    }
    buf
}

/// An opaque random token: 32 random bytes in base64url (43 characters).
pub(crate) fn random_token() -> String {
    b64url(&random_bytes::<32>())
}

/// A random client secret, shaped like Globus's (standard base64 of 32 bytes).
pub(crate) fn random_secret() -> String {
    STANDARD.encode(random_bytes::<32>())
}

pub(crate) use crate::keys::b64url;

/// Standard base64 decoding (for HTTP Basic credentials).
pub(crate) fn b64_decode(data: &str) -> Option<Vec<u8>> {
    STANDARD.decode(data.trim()).ok()
}

/// SHA-256 of `data`.
pub(crate) fn sha256(data: &[u8]) -> [u8; 32] {
    let d = digest::digest(&digest::SHA256, data);
    let mut out = [0u8; 32];
    out.copy_from_slice(d.as_ref());
    out
}

/// A random (version 4) UUID, hyphenated lower-case.
pub(crate) fn random_uuid() -> String {
    let mut b = random_bytes::<16>();
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    format_uuid(&b)
}

/// A name-based UUID (version 8, from the SHA-256 of `namespace` and `name`): the same input
/// gives the same UUID in every run.
pub(crate) fn name_uuid(namespace: &str, name: &str) -> String {
    let d = sha256(format!("globus-testing:{namespace}:{name}").as_bytes());
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x80;
    b[8] = (b[8] & 0x3f) | 0x80;
    format_uuid(&b)
}

fn format_uuid(b: &[u8; 16]) -> String {
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// Parses a UUID in any case, with or without hyphens, into its canonical form.
pub(crate) fn parse_uuid(s: &str) -> Option<String> {
    let hex: String = s.chars().filter(|c| *c != '-').collect();
    if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let canonical = hex.to_ascii_lowercase();
    let dashed = format!(
        "{}-{}-{}-{}-{}",
        &canonical[0..8],
        &canonical[8..12],
        &canonical[12..16],
        &canonical[16..20],
        &canonical[20..32]
    );
    // Accept only the two usual spellings: 32 hex digits, or the 8-4-4-4-12 form.
    if s.len() == 32 || s.eq_ignore_ascii_case(&dashed) {
        Some(dashed)
    } else {
        None
    }
}

/// ISO-8601 UTC timestamp with microseconds and `+00:00`, as Globus writes them.
pub(crate) fn iso8601(unix_secs: u64) -> String {
    let days = (unix_secs / 86_400) as i64;
    let rem = unix_secs % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}.000000+00:00",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Days since 1970-01-01 to (year, month, day) in the proleptic Gregorian calendar.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Escapes text for inclusion in HTML.
pub(crate) fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// Parses an `application/x-www-form-urlencoded` string into pairs.
pub(crate) fn form_pairs(data: &[u8]) -> Vec<(String, String)> {
    url::form_urlencoded::parse(data)
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_are_well_formed() {
        let u = random_uuid();
        assert_eq!(parse_uuid(&u).as_deref(), Some(u.as_str()));
        assert_eq!(name_uuid("a", "b"), name_uuid("a", "b"));
        assert_ne!(name_uuid("a", "b"), name_uuid("a", "c"));
        assert!(parse_uuid("not-a-uuid").is_none());
        assert_eq!(
            parse_uuid("46BD0F56E24F11E5A510131BEF46955C").as_deref(),
            Some("46bd0f56-e24f-11e5-a510-131bef46955c")
        );
    }

    #[test]
    fn timestamps() {
        assert_eq!(iso8601(0), "1970-01-01T00:00:00.000000+00:00");
        assert_eq!(iso8601(1_715_116_967), "2024-05-07T21:22:47.000000+00:00");
    }

    #[test]
    fn tokens_are_long_enough() {
        assert_eq!(random_token().len(), 43);
        assert_ne!(random_token(), random_token());
    }
}
