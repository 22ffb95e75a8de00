//! Phone numbers as the service wants them.

/// The phone number as the service wants it: digits only, a leading `+` written `00`, separators (spaces,
/// dashes, dots, parentheses) removed. `Err` says what is wrong, without echoing the number.
pub fn normalize_phone(raw: &str, _default_country_code: Option<&str>) -> Result<String, String> {
    let trimmed = raw.trim();
    let (plus, rest) = match trimmed.strip_prefix('+') {
        Some(rest) => (true, rest),
        None => (false, trimmed),
    };
    let mut out = String::with_capacity(trimmed.len() + 1);
    if plus {
        out.push_str("00");
    }
    for ch in rest.chars() {
        match ch {
            '0'..='9' => out.push(ch),
            ' ' | '-' | '.' | '(' | ')' => {}
            '+' => return Err("has a '+' that is not at the start".to_string()),
            other => {
                return Err(format!(
                    "contains {other:?}; a phone number is digits with an optional leading '+', \
                     separated by spaces, dashes, dots or parentheses"
                ))
            }
        }
    }
    // Count the digits the caller wrote, not the `00` that stands for their `+`.
    match out.len() - if plus { 2 } else { 0 } {
        0 => Err("has no digits".to_string()),
        n if n < 3 => Err(format!("has {n} digits; at least 3 expected")),
        n if n > 20 => Err(format!("has {n} digits; at most 20 allowed")),
        _ => Ok(out),
    }
}
