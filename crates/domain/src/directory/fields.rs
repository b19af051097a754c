//! Checks of single fields: lengths, phone numbers, email and web
//! addresses, country codes and BCP 47 language tags.

use super::{Invalid, MAX_SHORT};

pub(super) fn text(field: &str, value: &str, min: usize, max: usize) -> Result<String, Invalid> {
    let value = value.trim();
    let chars = value.chars().count();
    if chars < min || chars > max {
        let reason = if min == 0 {
            format!("at most {max} characters")
        } else {
            format!("{min} to {max} characters")
        };
        return Err(Invalid::new(field, reason));
    }
    if value
        .chars()
        .any(|c| c.is_control() && c != '\n' && c != '\t')
    {
        return Err(Invalid::new(field, "control characters are not allowed"));
    }
    Ok(value.to_owned())
}

pub(super) fn optional(
    field: &str,
    value: Option<String>,
    check: fn(&str) -> Result<(), &'static str>,
) -> Result<Option<String>, Invalid> {
    let Some(value) = value else { return Ok(None) };
    let value = text(field, &value, 0, MAX_SHORT)?;
    if value.is_empty() {
        return Ok(None);
    }
    check(&value).map_err(|reason| Invalid::new(field, reason))?;
    Ok(Some(value))
}

pub(super) fn phone(value: &str) -> Result<(), &'static str> {
    let allowed = |c: char| c.is_ascii_digit() || " +-.()/".contains(c);
    let digits = value.chars().filter(char::is_ascii_digit).count();
    if value.chars().all(allowed) && (6..=20).contains(&digits) {
        Ok(())
    } else {
        Err("a phone number has 6 to 20 digits and only spaces or + - . ( ) /")
    }
}

pub(super) fn email(value: &str) -> Result<(), &'static str> {
    match value.split_once('@') {
        Some((local, host))
            if !local.is_empty()
                && host.contains('.')
                && !host.starts_with('.')
                && !host.ends_with('.')
                && !host.contains('@')
                && !value.contains(char::is_whitespace) =>
        {
            Ok(())
        }
        _ => Err("not an email address"),
    }
}

pub(super) fn website(value: &str) -> Result<(), &'static str> {
    let rest = value
        .strip_prefix("https://")
        .or_else(|| value.strip_prefix("http://"));
    match rest {
        Some(rest) if !rest.is_empty() && !value.contains(char::is_whitespace) => Ok(()),
        _ => Err("a website starts with https:// or http://"),
    }
}

pub(super) fn country(value: &str) -> Result<String, Invalid> {
    let value = value.trim();
    if value.len() == 2 && value.bytes().all(|b| b.is_ascii_alphabetic()) {
        Ok(value.to_ascii_uppercase())
    } else {
        Err(Invalid::new(
            "address.country",
            "an ISO 3166-1 two-letter code such as BE",
        ))
    }
}

/// Checks a BCP 47 language tag in its common shape (language, then
/// optional script, region and variants) and writes it in canonical case:
/// `fr`, `nl-BE`, `sr-Latn-RS`.
pub fn language_tag(tag: &str) -> Result<String, String> {
    let bad = || format!("`{tag}` is not a BCP 47 language tag such as fr or nl-BE");
    if tag.is_empty() || tag.len() > 35 {
        return Err(bad());
    }
    let mut parts = tag.split('-');
    let language = parts.next().ok_or_else(bad)?;
    if !(2..=3).contains(&language.len()) || !language.bytes().all(|b| b.is_ascii_alphabetic()) {
        return Err(bad());
    }
    let mut out = vec![language.to_ascii_lowercase()];
    for part in parts {
        if part.is_empty() || part.len() > 8 || !part.bytes().all(|b| b.is_ascii_alphanumeric()) {
            return Err(bad());
        }
        out.push(match part.len() {
            2 if part.bytes().all(|b| b.is_ascii_alphabetic()) => part.to_ascii_uppercase(),
            4 if part.bytes().all(|b| b.is_ascii_alphabetic()) => {
                let lower = part.to_ascii_lowercase();
                let mut chars = lower.chars();
                chars
                    .next()
                    .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                    .unwrap_or_default()
            }
            _ => part.to_ascii_lowercase(),
        });
    }
    Ok(out.join("-"))
}

/// Whether an entry's language `tag` answers a search for `wanted`: the
/// same tag, or a more specific one (`fr-BE` answers `fr`), ignoring case.
pub fn language_matches(tag: &str, wanted: &str) -> bool {
    let (tag, wanted) = (tag.to_ascii_lowercase(), wanted.to_ascii_lowercase());
    tag == wanted
        || tag
            .strip_prefix(&wanted)
            .is_some_and(|rest| rest.starts_with('-'))
}
