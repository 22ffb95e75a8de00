//! Values a binding could not turn into JSON for the core (NaN, integers beyond 64 bits, nesting too deep),
//! reported as field problems at their wire paths, so that they read like every other problem of the request.

use super::CreateAiCallRequest;
use crate::check::MAX_INPUT_DEPTH;
use crate::field::{FieldError, KeyCase};
use crate::loose::Spelling;
use crate::schema::{Record, RecordSpec, Type};

/// One step into a request's input as a caller wrote it: a key (in the caller's spelling) or a list index.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// Why a binding could not turn a value of its language into JSON for the core.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Unconvertible {
    /// NaN or an infinity: JSON has no such number (JavaScript's `JSON.stringify` would send `null`, "not set").
    NotFinite(f64),
    /// Nested deeper than [`MAX_INPUT_DEPTH`].
    TooDeep,
    /// An integer that fits in no 64-bit integer.
    IntegerOutOfRange,
}

/// The problem with a value of a request's input that a binding could not convert, at the wire path of `steps`
/// (keys the model knows are given their wire names, so the problem renders in each caller's case like any other;
/// keys it does not know, such as those under `ExtraParams`, are kept as written).
pub fn unconvertible(steps: &[Step<'_>], case: KeyCase, problem: Unconvertible) -> FieldError {
    let message = match problem {
        Unconvertible::NotFinite(n) => format!("must be a finite number, not {n}"),
        Unconvertible::TooDeep => format!("is nested more than {MAX_INPUT_DEPTH} levels deep"),
        Unconvertible::IntegerOutOfRange => "is an integer too large for 64 bits".to_string(),
    };
    FieldError::invalid(wire_path(steps, case), message)
}

/// Where the keys of an object in a request are looked up: a record, or (`CustomTTSConfig`) any vendor's.
#[derive(Clone, Copy)]
enum Table {
    Record(&'static RecordSpec, Spelling),
    Tts,
}

/// The wire path of `steps`, following the schema: each key resolved in the record it belongs to.
fn wire_path(steps: &[Step<'_>], case: KeyCase) -> String {
    let caller = Spelling::Caller(case);
    let mut table = Some(Table::Record(<CreateAiCallRequest as Record>::SPEC, caller));
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Index(i) => out.push_str(&format!("[{i}]")),
            Step::Key(key) => {
                let found = match table {
                    Some(Table::Record(record, spelling)) => resolve(record, key, spelling),
                    Some(Table::Tts) => {
                        crate::tts::VENDORS.iter().find_map(|record| resolve(record, key, Spelling::Any))
                    }
                    None => None,
                };
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(found.map_or(*key, |(wire, _)| wire));
                table = found.and_then(|(_, ty)| match ty? {
                    Type::Object { record } | Type::ObjectList { record } => Some(Table::Record(record, caller)),
                    Type::TtsConfig => Some(Table::Tts),
                    _ => None,
                });
            }
        }
    }
    out
}

/// The wire name `key` stands for in `record`, and the type of the declared field it names (none for a key the
/// record keeps, such as `ExtraParams`, whose contents are the caller's own).
fn resolve(record: &'static RecordSpec, key: &str, spelling: Spelling) -> Option<(&'static str, Option<Type>)> {
    let wire = (record.names)().resolve(key, spelling)?;
    Some((wire, record.field(wire).map(|field| field.ty)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unconvertible_values_are_reported_at_their_wire_paths() {
        use Step::{Index, Key};
        for (steps, case, path) in [
            (&[Key("temperature")][..], KeyCase::Snake, "Temperature"),
            (&[Key("tone_word"), Key("first_sentence_timeout")][..], KeyCase::Snake, "ToneWord.FirstSentenceTimeout"),
            (
                &[Key("transferItems"), Index(2), Key("transferSkillGroupId")][..],
                KeyCase::Camel,
                "TransferItems[2].TransferSkillGroupId",
            ),
            (&[Key("custom_tts_config"), Key("speed")][..], KeyCase::Snake, "CustomTTSConfig.Speed"),
            (
                &[Key("extra_params"), Key("Future"), Index(0), Key("x_y")][..],
                KeyCase::Snake,
                "ExtraParams.Future[0].x_y",
            ),
            (&[Key("unknownThing"), Key("a")][..], KeyCase::Camel, "unknownThing.a"),
        ] {
            let e = unconvertible(steps, case, Unconvertible::NotFinite(f64::NAN));
            assert_eq!(e.path, path);
            assert_eq!(e.message, "must be a finite number, not NaN");
        }
        let e = unconvertible(&[Key("extraParams"), Key("Deep")], KeyCase::Camel, Unconvertible::TooDeep);
        assert_eq!(e.field(KeyCase::Camel), "extraParams.Deep");
    }
}
