//! [`Field`] for every Rust type a record's field may have: how each is read, checked against its declared rule,
//! shown by `Debug`, and written on the wire.

use super::{Field, FieldSpec, Nested, NestedList, Presence, Record, Rule, Sink, Type};
use crate::check::Checker;
use crate::field::At;
use crate::loose::Fields;
use crate::redact;
use std::fmt;

/// "required: your CCC application id, a positive integer": the documentation's first line, as a reason.
fn required(at: At<'_>, spec: &FieldSpec, c: &mut Checker) {
    let mut message = format!("required: {}", as_reason(spec.summary()));
    if let Rule::OneOf { values } = spec.rule {
        message.push_str(&format!(", one of {}", values.join(", ")));
    }
    c.missing(at, message);
}

/// "The CCC application id." -> "the CCC application id" (acronyms keep their case).
fn as_reason(summary: &str) -> String {
    let trimmed = summary.trim_end_matches('.');
    let mut chars = trimmed.chars();
    match (chars.next(), chars.next()) {
        (Some(first), Some(second)) if first.is_ascii_uppercase() && !second.is_ascii_uppercase() => {
            format!("{}{}", first.to_ascii_lowercase(), &trimmed[1..])
        }
        _ => trimmed.to_string(),
    }
}

/// " (ms)" after a bound, when the field has a unit.
fn unit(spec: &FieldSpec) -> String {
    spec.unit.map(|u| format!(" {}", u.as_str())).unwrap_or_default()
}

#[inline]
fn check_u64(value: u64, at: At<'_>, spec: &FieldSpec, c: &mut Checker) {
    match spec.rule {
        Rule::Range { min, max } => {
            let v = value as f64;
            if v < min || v > max {
                let message = if max.is_infinite() {
                    format!("must be at least {min}{} ({}); got {value}", unit(spec), as_reason(spec.summary()))
                } else {
                    format!("must be between {min} and {max}{}; got {value}", unit(spec))
                };
                c.invalid(at, message);
            }
        }
        Rule::Choice { values } if !values.iter().any(|(v, _)| *v == value) => {
            let choices: Vec<String> = values.iter().map(|(v, meaning)| format!("{v} ({meaning})")).collect();
            c.invalid(at, format!("must be {}; got {value}", choices.join(" or ")));
        }
        _ => {}
    }
}

#[inline]
fn check_f64(value: f64, at: At<'_>, spec: &FieldSpec, c: &mut Checker) {
    match spec.rule {
        Rule::Range { min, max } => c.range_f64(at, value, min, max),
        Rule::Positive => c.positive_f64(at, value),
        _ if !value.is_finite() => c.invalid(at, format!("must be a finite number; got {value}")),
        _ => {}
    }
    if let Some(decimals) = spec.max_decimals {
        let scale = 10f64.powi(i32::from(decimals));
        if value.is_finite() && ((value * scale).round() - value * scale).abs() > 1e-6 {
            c.invalid(at, format!("allows at most {decimals} decimals"));
        }
    }
}

/// A present string against its rule; `Some` with the normalised text when that differs.
#[inline]
fn check_str(value: &str, at: At<'_>, spec: &FieldSpec, c: &mut Checker) -> Option<String> {
    match spec.rule {
        Rule::Name => {
            c.name(at, value);
        }
        Rule::Text | Rule::Any => {}
        Rule::Secret => c.secret(at, value),
        Rule::Url => {
            c.http_url(at, value);
        }
        Rule::JsonObject => c.json_object(at, value),
        Rule::Phone => return c.phone(at, value).filter(|phone| phone != value),
        Rule::OneOf { values } => {
            return c.one_of(at, value, values).filter(|canonical| *canonical != value).map(String::from);
        }
        Rule::Choice { .. } | Rule::Range { .. } | Rule::Positive => {}
    }
    None
}

fn show_str(value: &str, spec: &FieldSpec, f: &mut fmt::Formatter<'_>) -> fmt::Result {
    if spec.secret {
        return fmt::Debug::fmt(&redact::Redacted(!value.is_empty()), f);
    }
    match spec.rule {
        Rule::Url if !value.is_empty() => fmt::Debug::fmt(&redact::url(value), f),
        Rule::JsonObject => fmt::Debug::fmt(&redact::json_text(value), f),
        _ => fmt::Debug::fmt(value, f),
    }
}

impl Field for u64 {
    const TYPE: Type = Type::Integer;
    const PRESENCE: Presence = Presence::Required;

    #[inline]
    fn read(f: &mut Fields<'_, '_>, spec: &'static FieldSpec) -> Self {
        if spec.presence == Presence::RequiredMayBeEmpty && !f.has(spec.wire) {
            f.errors.push(crate::field::FieldError::missing(
                f.path(spec.wire),
                format!("required: {}", as_reason(spec.summary())),
            ));
        }
        f.u64(spec.wire).unwrap_or(0)
    }

    #[inline]
    fn check(&self, at: At<'_>, spec: &'static FieldSpec, c: &mut Checker) -> Option<Self> {
        if *self == 0 && spec.presence == Presence::Required {
            required(at, spec, c);
        } else {
            check_u64(*self, at, spec, c);
        }
        None
    }

    #[inline]
    fn show(&self, _spec: &'static FieldSpec, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }

    #[inline]
    fn same(&self, other: &Self) -> bool {
        self == other
    }

    #[inline]
    fn write<S: Sink>(&self, key: &'static str, top: bool, sink: &mut S) -> Result<(), S::Error> {
        // At the top a required field holds 0 for "not set" (struct literals end in `..Default::default()`).
        if top && *self == 0 {
            return Ok(());
        }
        sink.entry(key, self)
    }
}

impl Field for String {
    const TYPE: Type = Type::String;
    const PRESENCE: Presence = Presence::Required;

    #[inline]
    fn read(f: &mut Fields<'_, '_>, spec: &'static FieldSpec) -> Self {
        if spec.presence == Presence::RequiredMayBeEmpty && !f.has(spec.wire) {
            let message = format!("required (an empty string is allowed): {}", as_reason(spec.summary()));
            f.errors.push(crate::field::FieldError::missing(f.path(spec.wire), message));
        }
        f.string(spec.wire).unwrap_or_default()
    }

    #[inline]
    fn check(&self, at: At<'_>, spec: &'static FieldSpec, c: &mut Checker) -> Option<Self> {
        if spec.presence == Presence::Required && self.trim().is_empty() {
            required(at, spec, c);
            return None;
        }
        check_str(self, at, spec, c)
    }

    #[inline]
    fn show(&self, spec: &'static FieldSpec, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        show_str(self, spec, f)
    }

    #[inline]
    fn same(&self, other: &Self) -> bool {
        !self.trim().is_empty() && self == other
    }

    #[inline]
    fn write<S: Sink>(&self, key: &'static str, top: bool, sink: &mut S) -> Result<(), S::Error> {
        if top && self.is_empty() {
            return Ok(());
        }
        sink.entry(key, self)
    }
}

impl Field for Option<u64> {
    const TYPE: Type = Type::Integer;
    const PRESENCE: Presence = Presence::Optional;

    #[inline]
    fn read(f: &mut Fields<'_, '_>, spec: &'static FieldSpec) -> Self {
        f.u64(spec.wire)
    }

    #[inline]
    fn check(&self, at: At<'_>, spec: &'static FieldSpec, c: &mut Checker) -> Option<Self> {
        if let Some(value) = self {
            check_u64(*value, at, spec, c);
        }
        None
    }

    #[inline]
    fn show(&self, _spec: &'static FieldSpec, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }

    #[inline]
    fn same(&self, other: &Self) -> bool {
        self.is_some() && self == other
    }

    #[inline]
    fn write<S: Sink>(&self, key: &'static str, _top: bool, sink: &mut S) -> Result<(), S::Error> {
        match self {
            Some(value) => sink.entry(key, value),
            None => Ok(()),
        }
    }
}

impl Field for Option<f64> {
    const TYPE: Type = Type::Number;
    const PRESENCE: Presence = Presence::Optional;

    #[inline]
    fn read(f: &mut Fields<'_, '_>, spec: &'static FieldSpec) -> Self {
        f.f64(spec.wire)
    }

    #[inline]
    fn check(&self, at: At<'_>, spec: &'static FieldSpec, c: &mut Checker) -> Option<Self> {
        if let Some(value) = self {
            check_f64(*value, at, spec, c);
        }
        None
    }

    #[inline]
    fn show(&self, _spec: &'static FieldSpec, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }

    #[inline]
    fn same(&self, other: &Self) -> bool {
        self.is_some() && self == other
    }

    #[inline]
    fn write<S: Sink>(&self, key: &'static str, top: bool, sink: &mut S) -> Result<(), S::Error> {
        // Validation refuses a number that is not finite; unvalidated, JSON has no such number: at the top it is
        // left out, inside a nested object it is written `null`, as a `serde_json::Map` would print it.
        match self {
            Some(value) if value.is_finite() || !top => sink.entry(key, value),
            _ => Ok(()),
        }
    }
}

impl Field for Option<bool> {
    const TYPE: Type = Type::Boolean;
    const PRESENCE: Presence = Presence::Optional;

    #[inline]
    fn read(f: &mut Fields<'_, '_>, spec: &'static FieldSpec) -> Self {
        f.bool(spec.wire)
    }

    #[inline]
    fn check(&self, _at: At<'_>, _spec: &'static FieldSpec, _c: &mut Checker) -> Option<Self> {
        None
    }

    #[inline]
    fn show(&self, _spec: &'static FieldSpec, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }

    #[inline]
    fn same(&self, other: &Self) -> bool {
        self.is_some() && self == other
    }

    #[inline]
    fn write<S: Sink>(&self, key: &'static str, _top: bool, sink: &mut S) -> Result<(), S::Error> {
        match self {
            Some(value) => sink.entry(key, value),
            None => Ok(()),
        }
    }
}

impl Field for Option<String> {
    const TYPE: Type = Type::String;
    const PRESENCE: Presence = Presence::Optional;

    #[inline]
    fn read(f: &mut Fields<'_, '_>, spec: &'static FieldSpec) -> Self {
        match spec.ty {
            Type::JsonText => f.json_text(spec.wire),
            _ => f.string(spec.wire),
        }
    }

    #[inline]
    fn check(&self, at: At<'_>, spec: &'static FieldSpec, c: &mut Checker) -> Option<Self> {
        let value = self.as_deref()?;
        if spec.blank_is_unset && value.trim().is_empty() {
            return Some(None);
        }
        check_str(value, at, spec, c).map(Some)
    }

    #[inline]
    fn show(&self, spec: &'static FieldSpec, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Some(value) => {
                f.write_str("Some(")?;
                show_str(value, spec, f)?;
                f.write_str(")")
            }
            None => f.write_str("None"),
        }
    }

    #[inline]
    fn same(&self, other: &Self) -> bool {
        self.as_deref().is_some_and(|s| !s.trim().is_empty()) && self == other
    }

    #[inline]
    fn write<S: Sink>(&self, key: &'static str, _top: bool, sink: &mut S) -> Result<(), S::Error> {
        match self {
            Some(value) => sink.entry(key, value),
            None => Ok(()),
        }
    }
}

impl Field for Option<Vec<String>> {
    const TYPE: Type = Type::StringList;
    const PRESENCE: Presence = Presence::Optional;

    #[inline]
    fn read(f: &mut Fields<'_, '_>, spec: &'static FieldSpec) -> Self {
        f.strings(spec.wire)
    }

    #[inline]
    fn check(&self, at: At<'_>, spec: &'static FieldSpec, c: &mut Checker) -> Option<Self> {
        let items = self.as_ref()?;
        if !c.list_len(at, items.len(), spec.min_items, spec.max_items) {
            return None;
        }
        let mut normalised: Option<Vec<String>> = None;
        for (i, item) in items.iter().enumerate() {
            let here = at.index(i);
            let fixed = match spec.rule {
                // A phone number and a member of a closed set say what is wrong with a blank entry themselves.
                Rule::Phone | Rule::OneOf { .. } => check_str(item, here, spec, c),
                _ if item.trim().is_empty() => {
                    c.invalid(here, "must not be empty");
                    None
                }
                _ => check_str(item, here, spec, c),
            };
            if let Some(fixed) = fixed {
                normalised.get_or_insert_with(|| items.clone())[i] = fixed;
            }
            if spec.unique {
                let now = normalised.as_ref().unwrap_or(items);
                if let Some(first) = now[..i].iter().position(|earlier| *earlier == now[i]) {
                    c.invalid(here, format!("duplicate of `{}[{first}]`", spec.wire));
                }
            }
        }
        normalised.map(Some)
    }

    #[inline]
    fn show(&self, _spec: &'static FieldSpec, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }

    #[inline]
    fn same(&self, other: &Self) -> bool {
        self.is_some() && self == other
    }

    #[inline]
    fn write<S: Sink>(&self, key: &'static str, _top: bool, sink: &mut S) -> Result<(), S::Error> {
        match self {
            Some(value) => sink.entry(key, value),
            None => Ok(()),
        }
    }
}

impl<R: Record> Field for Option<Vec<R>> {
    const TYPE: Type = Type::ObjectList { record: R::SPEC };
    const PRESENCE: Presence = Presence::Optional;

    #[inline]
    fn read(f: &mut Fields<'_, '_>, spec: &'static FieldSpec) -> Self {
        f.objects(spec.wire, R::names(), R::read_fields)
    }

    #[inline]
    fn check(&self, at: At<'_>, spec: &'static FieldSpec, c: &mut Checker) -> Option<Self> {
        let items = self.as_ref()?;
        if !c.list_len(at, items.len(), spec.min_items, spec.max_items) {
            return None;
        }
        let mut normalised: Option<Vec<R>> = None;
        for (i, item) in items.iter().enumerate() {
            if let Some(fixed) = item.check_fields(at.index(i), c) {
                normalised.get_or_insert_with(|| items.clone())[i] = fixed;
            }
            R::check_unique(normalised.as_deref().unwrap_or(items), i, at, c);
        }
        normalised.map(Some)
    }

    #[inline]
    fn show(&self, _spec: &'static FieldSpec, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }

    #[inline]
    fn same(&self, _other: &Self) -> bool {
        false
    }

    #[inline]
    fn write<S: Sink>(&self, key: &'static str, _top: bool, sink: &mut S) -> Result<(), S::Error> {
        match self {
            Some(items) => sink.entry(key, &NestedList(items)),
            None => Ok(()),
        }
    }
}

impl<R: Record> Field for Option<R> {
    const TYPE: Type = Type::Object { record: R::SPEC };
    const PRESENCE: Presence = Presence::Optional;

    #[inline]
    fn read(f: &mut Fields<'_, '_>, spec: &'static FieldSpec) -> Self {
        f.object(spec.wire, R::names(), R::read_fields)
    }

    #[inline]
    fn check(&self, at: At<'_>, _spec: &'static FieldSpec, c: &mut Checker) -> Option<Self> {
        self.as_ref()?.check_fields(at, c).map(Some)
    }

    #[inline]
    fn show(&self, _spec: &'static FieldSpec, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self, f)
    }

    #[inline]
    fn same(&self, _other: &Self) -> bool {
        false
    }

    #[inline]
    fn write<S: Sink>(&self, key: &'static str, _top: bool, sink: &mut S) -> Result<(), S::Error> {
        match self {
            Some(record) => sink.entry(key, &Nested(record)),
            None => Ok(()),
        }
    }
}
