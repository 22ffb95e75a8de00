//! Phone numbers: refused unless they can be international (E.164) numbers, then written as the service wants
//! them, `00`, the country calling code and the national number (API.md section 1: `008613012345678`).
//!
//! Only lengths are checked (the country code is listed, the national number has a length possible there, 15
//! digits at most in all), never number ranges: operators open new ranges faster than any table follows them,
//! and refusing a real number would block a real call. Problems never echo the number (it is personal data);
//! they may name the country code.

mod codes;

use crate::error::{Error, Result};
use std::fmt;

/// ITU-T E.164: an international number has at most 15 digits, country code included.
pub const MAX_DIGITS: usize = 15;

/// A country calling code listed by ITU-T E.164 (`86`, `1`, `44`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CountryCode(u16);

impl CountryCode {
    /// `"86"`, `"+86"` or `"0086"`; anything else, or a code no country has, is a configuration error that names
    /// `option` by its Rust name, in backticks, so that [`Error::message_in`] spells it the caller's way.
    pub fn parse(text: &str, option: &str) -> Result<Self> {
        let t = text.trim();
        let digits = t.strip_prefix('+').or_else(|| t.strip_prefix("00")).unwrap_or(t);
        let code = (!digits.is_empty() && digits.len() <= 3 && digits.bytes().all(|b| b.is_ascii_digit()))
            .then(|| digits.parse::<u16>().ok())
            .flatten();
        match code.filter(|c| entry(*c).is_some()) {
            Some(code) => Ok(CountryCode(code)),
            None => Err(Error::Config(format!(
                "`{option}` must be a country calling code such as \"86\" or \"+86\" (ITU-T E.164), not {text:?}"
            ))),
        }
    }

    /// The code as a number (`86`).
    pub fn get(self) -> u16 {
        self.0
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The phone number as the service wants it: separators (spaces, dashes, dots, parentheses) removed, a leading `+`
/// written `00`. A number written without a country code (`+...` or `00...`) gets `default_country_code` in front,
/// its national trunk prefix (the `0` of `010 ...` in China) dropped; without a default it is refused. `Err` says
/// what is wrong without echoing the number.
pub fn normalize(raw: &str, default_country_code: Option<CountryCode>) -> std::result::Result<String, String> {
    normalize_or_why(raw, default_country_code).map_err(|problem| problem.to_string())
}

/// Why a number was refused.
#[derive(Debug)]
pub(crate) enum Problem {
    /// Written without a country code, and no default was given.
    NoCountryCode,
    Other(String),
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::NoCountryCode => f.write_str(
                "has no country code: write it in international form, a '+' and the country code first (e.g. +86 \
                 and then the number, for a number in China), or set the client's default country code",
            ),
            Problem::Other(message) => f.write_str(message),
        }
    }
}

/// [`normalize`], telling a missing country code from the other problems.
pub(crate) fn normalize_or_why(
    raw: &str,
    default_country_code: Option<CountryCode>,
) -> std::result::Result<String, Problem> {
    let trimmed = raw.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut digits = String::with_capacity(rest.len());
    for ch in rest.chars() {
        match ch {
            '0'..='9' => digits.push(ch),
            ' ' | '-' | '.' | '(' | ')' => {}
            '+' => return Err(Problem::Other("has a '+' that is not at the start".to_string())),
            other => {
                return Err(Problem::Other(format!(
                    "contains {other:?}; a phone number is digits with an optional leading '+', \
                     separated by spaces, dashes, dots or parentheses"
                )))
            }
        }
    }
    if digits.is_empty() {
        return Err(Problem::Other("has no digits".to_string()));
    }
    // One allocation: `00`, then the international digits (this runs for every number of every call).
    let mut out = String::with_capacity(digits.len() + 5);
    out.push_str("00");
    if plus {
        out.push_str(&digits);
    } else if let Some(after) = digits.strip_prefix("00") {
        out.push_str(after);
    } else {
        match default_country_code {
            Some(code) => push_with_country_code(&mut out, code, &digits),
            None => return Err(Problem::NoCountryCode),
        }
    }
    check_international(&out[2..], if plus { "+" } else { "00" }).map_err(Problem::Other)?;
    Ok(out)
}

/// Append `code` and the national number `national`, its trunk prefix dropped when what remains has a possible
/// length (the `8` of Russia's `8 800 ...` goes; the `8` of `800 ...` written without it stays).
fn push_with_country_code(out: &mut String, code: CountryCode, national: &str) {
    let national = match entry(code.0) {
        Some((_, trunk, lengths)) if !trunk.is_empty() => {
            national.strip_prefix(trunk).filter(|rest| lengths.contains(&(rest.len() as u8))).unwrap_or(national)
        }
        _ => national,
    };
    push_decimal(out, code.0);
    out.push_str(national);
}

/// `n` in decimal, without the formatting machinery.
fn push_decimal(out: &mut String, n: u16) {
    if n >= 10 {
        push_decimal(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// How many decimal digits `n` has.
fn decimal_len(n: u16) -> usize {
    match n {
        0..=9 => 1,
        10..=99 => 2,
        100..=999 => 3,
        1000..=9999 => 4,
        _ => 5,
    }
}

/// The digits after the international prefix (`+` or `00`, named `prefix` in messages) must start with a known
/// country code and have a length possible there.
fn check_international(digits: &str, prefix: &str) -> std::result::Result<(), String> {
    let Some((code, trunk, lengths)) = (1..=3.min(digits.len())).find_map(|n| entry(digits[..n].parse().ok()?)) else {
        let head = &digits[..3.min(digits.len())];
        return Err(format!("starts with {prefix}{head}, and no country calling code begins so (ITU-T E.164)"));
    };
    if digits.len() > MAX_DIGITS {
        return Err(format!(
            "has {} digits after {prefix}; an international number has at most {MAX_DIGITS} (ITU-T E.164)",
            digits.len()
        ));
    }
    let national = &digits[decimal_len(code)..];
    let n = national.len();
    if lengths.contains(&(n as u8)) {
        return Ok(());
    }
    let expected = match lengths {
        [only] => format!("{only}"),
        [first, .., last] if lengths.len() == usize::from(last - first) + 1 => format!("{first} to {last}"),
        [init @ .., last] => {
            format!("{} or {last}", init.iter().map(u8::to_string).collect::<Vec<_>>().join(", "))
        }
        [] => "no".to_string(),
    };
    let mut message = format!(
        "has {n} digit{} after the country code {prefix}{code}; numbers there have {expected} digits",
        if n == 1 { "" } else { "s" }
    );
    let stripped = national.strip_prefix(trunk).filter(|_| !trunk.is_empty());
    if stripped.is_some_and(|rest| lengths.contains(&(rest.len() as u8))) {
        message
            .push_str(&format!(" (the national trunk prefix {trunk} is not written after the country code: drop it)"));
    }
    Err(message)
}

/// The table entry of a country calling code.
fn entry(code: u16) -> Option<(u16, &'static str, &'static [u8])> {
    codes::CODES.binary_search_by_key(&code, |(c, _, _)| *c).ok().map(|i| codes::CODES[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_prefix_free_and_within_e164() {
        for pair in codes::CODES.windows(2) {
            assert!(pair[0].0 < pair[1].0, "{} before {}", pair[0].0, pair[1].0);
        }
        for (code, trunk, lengths) in codes::CODES {
            let text = code.to_string();
            assert!((1..=3).contains(&text.len()), "{code}");
            // ITU-T E.164 codes are prefix-free: reading digits left to right finds at most one.
            for n in 1..text.len() {
                assert!(entry(text[..n].parse().unwrap()).is_none(), "{code} extends another code");
            }
            assert!(!lengths.is_empty() && lengths.windows(2).all(|w| w[0] < w[1]), "{code}");
            assert!(text.len() + usize::from(*lengths.last().unwrap()) <= MAX_DIGITS, "{code}");
            assert!(trunk.bytes().all(|b| b.is_ascii_digit()), "{code}");
        }
    }

    #[test]
    fn country_codes_parse_in_the_usual_spellings() {
        for text in ["86", "+86", "0086", " 86 "] {
            assert_eq!(CountryCode::parse(text, "default_country_code").unwrap(), CountryCode(86), "{text}");
        }
        for text in ["", "+", "0", "999", "8 6", "86a", "1234", "-86", "++86"] {
            let e = CountryCode::parse(text, "default_country_code").unwrap_err();
            assert!(e.message_in(crate::KeyCase::Snake).contains("`default_country_code` must be"), "{e}");
            assert!(e.message_in(crate::KeyCase::Camel).contains("`defaultCountryCode` must be"), "{e}");
        }
    }
}
