//! One declaration per field. The records of the request model (the request, its nested types, each TTS vendor's
//! settings) are declared with [`record!`]: a field's Rust name, wire name, Rust type, rule, unit, default and one
//! line of documentation are written once, and from that one line come the struct field, the name tables for
//! every spelling, the loose reader, the per-field rules, `Debug` with redaction, the wire order, and the public
//! description ([`RecordSpec`]) that the binding generator and the API drift test read. Only rules that involve
//! more than one field are written by hand, beside each record.
//!
//! Layering: this module sits on the generic pieces (`field`, `loose`, `check`, `redact`) and knows nothing of the
//! request or the TTS vendors, which are declared with it.

use crate::check::Checker;
use crate::field::At;
use crate::loose::{Fields, Names};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};
use std::fmt;

mod values;

/// What a record or field is, for tools: `ccc_aicall::SCHEMA` describes the request this way.
#[derive(serde::Serialize)]
pub struct RecordSpec {
    /// The Rust type, e.g. `AiTransferItem`.
    pub name: &'static str,
    /// The service's name for the type, e.g. `AITransferItem` (the official SDKs' model class).
    pub wire: &'static str,
    /// One line about the type.
    pub doc: &'static str,
    pub fields: &'static [FieldSpec],
    /// The record's name tables, for tools that resolve keys as its reader does.
    #[serde(skip)]
    pub(crate) names: fn() -> &'static Names,
}

impl fmt::Debug for RecordSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RecordSpec").field("name", &self.name).field("wire", &self.wire).finish_non_exhaustive()
    }
}

impl RecordSpec {
    /// The field with this wire name.
    pub fn field(&self, wire: &str) -> Option<&FieldSpec> {
        self.fields.iter().find(|f| f.wire == wire)
    }
}

/// Every record reachable from `roots` (their nested records, transitively), each once, roots first: what tools
/// need to describe a request completely (`ccc_aicall::request::describe`).
pub fn records(roots: &[&'static RecordSpec]) -> Vec<&'static RecordSpec> {
    let mut out: Vec<&'static RecordSpec> = Vec::new();
    let mut queue: Vec<&'static RecordSpec> = roots.to_vec();
    while !queue.is_empty() {
        let record = queue.remove(0);
        if out.iter().any(|r| std::ptr::eq(*r, record)) {
            continue;
        }
        out.push(record);
        for field in record.fields {
            if let Type::Object { record } | Type::ObjectList { record } = field.ty {
                queue.push(record);
            }
        }
    }
    out
}

/// One field of a record, as declared.
#[derive(Debug, serde::Serialize)]
pub struct FieldSpec {
    /// The service's name, e.g. `VadSilenceTime`.
    pub wire: &'static str,
    /// The Rust (and Python) name, e.g. `vad_silence_time`.
    pub name: &'static str,
    #[serde(rename = "type")]
    pub ty: Type,
    pub presence: Presence,
    /// A credential: never printed, never logged.
    pub secret: bool,
    pub rule: Rule,
    /// The unit of a number, when it has one (`ms`, `s`): the service's units are inconsistent.
    pub unit: Option<Unit>,
    /// The service's documented default, as text, when it has one.
    pub default: Option<&'static str>,
    /// For lists: the fewest and the most entries.
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
    /// For lists of strings: no two entries alike. For a field of a record in a list: no two records alike in it.
    pub unique: bool,
    /// A blank string means "not set" (the original page asks to leave `VoiceType` blank).
    pub blank_is_unset: bool,
    /// For numbers: the most decimals the service takes.
    pub max_decimals: Option<u8>,
    /// Where the documentation of the bindings lists the field.
    pub group: Group,
    /// The documentation: its first line stands alone; further lines add detail.
    pub doc: &'static str,
}

/// The type of a field on the wire (and in the bindings).
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Type {
    Integer,
    Number,
    Boolean,
    String,
    StringList,
    /// A JSON string holding an object; the bindings also take the object itself.
    JsonText,
    Object {
        #[serde(serialize_with = "record_name")]
        record: &'static RecordSpec,
    },
    ObjectList {
        #[serde(serialize_with = "record_name")]
        record: &'static RecordSpec,
    },
    /// `CustomTTSConfig`: one vendor's settings, chosen by `TTSType`, sent as a JSON string.
    TtsConfig,
}

fn record_name<S: Serializer>(record: &&'static RecordSpec, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(record.wire)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Presence {
    Optional,
    /// Required; `0` or a blank string count as absent (the Rust struct holds plain values for these).
    Required,
    /// Required, and an empty string or `0` is a value (`Variable.Value`, a Tencent `VoiceType` of 0).
    RequiredMayBeEmpty,
}

/// The per-field rule. Rules that involve more than one field are written beside the record.
#[derive(Debug, Clone, Copy, serde::Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// Nothing beyond the type.
    Any,
    /// A name (a model, a function, a variable, a vendor's id): no control characters.
    Name,
    /// Free text (prompts, messages, descriptions): any text the service takes, control characters included.
    Text,
    /// A credential as pasted: no whitespace, no quotes around it.
    Secret,
    /// An absolute http(s) URL.
    Url,
    /// A phone number, sent in the service's `00` + country code form.
    Phone,
    /// One of a closed set, matched ignoring ASCII case and sent in its canonical spelling.
    OneOf { values: &'static [&'static str] },
    /// One of a few integer codes, each with its meaning.
    Choice { values: &'static [(u64, &'static str)] },
    /// A number in `[min, max]`.
    Range { min: f64, max: f64 },
    /// A finite number greater than 0.
    Positive,
    /// A JSON string holding an object.
    JsonObject,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Unit {
    Milliseconds,
    Seconds,
}

impl Unit {
    pub fn as_str(self) -> &'static str {
        match self {
            Unit::Milliseconds => "ms",
            Unit::Seconds => "s",
        }
    }
}

/// Where the bindings' documentation lists a field of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Group {
    Required,
    Voice,
    Llm,
    Tools,
    CallControl,
}

/// What a declaration says beyond the field's name and type: built with [`spec`] and the methods below, in a
/// `const` context, so that a declaration reads `=> spec(Rule::Range { min: 240.0, max: 2000.0 }).ms()`.
#[derive(Clone, Copy)]
pub struct Spec {
    rule: Rule,
    secret: bool,
    unit: Option<Unit>,
    default: Option<&'static str>,
    min_items: Option<usize>,
    max_items: Option<usize>,
    unique: bool,
    blank_is_unset: bool,
    may_be_empty: bool,
    max_decimals: Option<u8>,
    json: bool,
    group: Group,
}

pub const fn spec(rule: Rule) -> Spec {
    Spec {
        rule,
        secret: false,
        unit: None,
        default: None,
        min_items: None,
        max_items: None,
        unique: false,
        blank_is_unset: false,
        may_be_empty: false,
        max_decimals: None,
        json: false,
        group: Group::Voice,
    }
}

impl Spec {
    pub const fn secret(self) -> Self {
        Spec { secret: true, ..self }
    }
    pub const fn ms(self) -> Self {
        Spec { unit: Some(Unit::Milliseconds), ..self }
    }
    pub const fn seconds(self) -> Self {
        Spec { unit: Some(Unit::Seconds), ..self }
    }
    pub const fn default(self, default: &'static str) -> Self {
        Spec { default: Some(default), ..self }
    }
    pub const fn items(self, min: usize, max: usize) -> Self {
        Spec { min_items: Some(min), max_items: Some(max), ..self }
    }
    pub const fn unique(self) -> Self {
        Spec { unique: true, ..self }
    }
    pub const fn blank_is_unset(self) -> Self {
        Spec { blank_is_unset: true, ..self }
    }
    pub const fn may_be_empty(self) -> Self {
        Spec { may_be_empty: true, ..self }
    }
    pub const fn decimals(self, max: u8) -> Self {
        Spec { max_decimals: Some(max), ..self }
    }
    /// A string field that holds JSON: the bindings may also pass the object, which is sent as its JSON text.
    pub const fn json(self) -> Self {
        Spec { json: true, ..self }
    }
    pub const fn group(self, group: Group) -> Self {
        Spec { group, ..self }
    }
}

impl FieldSpec {
    /// The full declaration: the name and type from the record's field, the rest from its [`Spec`].
    pub const fn new(
        wire: &'static str,
        name: &'static str,
        ty: Type,
        presence: Presence,
        s: Spec,
        doc: &'static str,
    ) -> Self {
        let presence = match presence {
            Presence::Required if s.may_be_empty => Presence::RequiredMayBeEmpty,
            other => other,
        };
        let ty = match ty {
            Type::String if s.json => Type::JsonText,
            other => other,
        };
        let group = match presence {
            Presence::Optional => s.group,
            _ => Group::Required,
        };
        FieldSpec {
            wire,
            name,
            ty,
            presence,
            secret: s.secret,
            rule: s.rule,
            unit: s.unit,
            default: s.default,
            min_items: s.min_items,
            max_items: s.max_items,
            unique: s.unique,
            blank_is_unset: s.blank_is_unset,
            max_decimals: s.max_decimals,
            group,
            doc,
        }
    }

    /// The first line of the documentation.
    pub fn summary(&self) -> &'static str {
        self.doc.lines().map(str::trim).find(|l| !l.is_empty()).unwrap_or_default()
    }
}

/// How a field of a given Rust type is read, checked, shown and written. Implemented once per type that records
/// hold; a record's fields use these through the declaration, so a new field of a known type needs no code.
pub(crate) trait Field: Sized + Clone {
    const TYPE: Type;
    const PRESENCE: Presence;
    /// Read from a loose object; what does not parse is reported and left unset.
    fn read(f: &mut Fields<'_, '_>, spec: &'static FieldSpec) -> Self;
    /// Check the value against the field's rule; `Some` carries the normalised value when normalising changes it.
    fn check(&self, at: At<'_>, spec: &'static FieldSpec, c: &mut Checker) -> Option<Self>;
    /// `Debug`, with secrets printed as `***`.
    fn show(&self, spec: &'static FieldSpec, f: &mut fmt::Formatter<'_>) -> fmt::Result;
    /// Whether two records agree on this field (for `unique` fields of records in a list).
    fn same(&self, other: &Self) -> bool;
    /// What goes on the wire; `None` leaves the key out. `top` is true for the request's own fields.
    fn write<S: Sink>(&self, key: &'static str, top: bool, sink: &mut S) -> Result<(), S::Error>;
}

/// Where a record writes its wire fields: a serde map, or the request's map with `ExtraParams` merged in.
pub(crate) trait Sink {
    type Error;
    fn entry<V: Serialize + ?Sized>(&mut self, key: &str, value: &V) -> Result<(), Self::Error>;
}

/// A serde map as a [`Sink`].
pub(crate) struct MapSink<M>(pub(crate) M);

impl<M: SerializeMap> Sink for MapSink<M> {
    type Error = M::Error;
    fn entry<V: Serialize + ?Sized>(&mut self, key: &str, value: &V) -> Result<(), M::Error> {
        self.0.serialize_entry(key, value)
    }
}

/// A record declared with [`record!`].
pub(crate) trait Record: Sized + Clone + Default + fmt::Debug {
    const SPEC: &'static RecordSpec;
    /// Every accepted key of every field, for the loose reader.
    fn names() -> &'static Names;
    /// Read the declared fields (and, for a record with unknown keys kept, those).
    fn read_fields(f: &mut Fields<'_, '_>) -> Self;
    /// The per-field rules and the record's own cross-field rules; the normalised record when it differs.
    fn check_fields(&self, at: At<'_>, c: &mut Checker) -> Option<Self>;
    /// Write the fields in wire order.
    fn write_fields<S: Sink>(&self, top: bool, sink: &mut S) -> Result<(), S::Error>;
    /// For the record at `index` of a list: its `unique` fields against the records before it.
    fn check_unique(items: &[Self], index: usize, list: At<'_>, c: &mut Checker);
}

/// A nested record on the wire: its fields in its wire order.
pub(crate) struct Nested<'a, R>(pub(crate) &'a R);

impl<R: Record> Serialize for Nested<'_, R> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut sink = MapSink(s.serialize_map(None)?);
        self.0.write_fields(false, &mut sink)?;
        sink.0.end()
    }
}

/// A list of nested records on the wire.
pub(crate) struct NestedList<'a, R>(pub(crate) &'a [R]);

impl<R: Record> Serialize for NestedList<'_, R> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.0.iter().map(Nested))
    }
}

/// The order a record's fields are written in.
pub(crate) enum Order {
    /// Bytewise by wire name, at every level: the order a `serde_json::Map` prints, which the request has always
    /// been signed in.
    Sorted,
    /// As declared (a TTS vendor's settings: `TTSType` first, then the documented order).
    Declared,
}

/// The indices of `names` in the given order. `const`, so a record's wire order costs nothing per request.
pub(crate) const fn wire_order<const N: usize>(names: &[&'static str; N], order: Order) -> [usize; N] {
    let mut out = [0usize; N];
    let mut i = 0;
    while i < N {
        out[i] = i;
        i += 1;
    }
    if let Order::Declared = order {
        return out;
    }
    // Insertion sort: a few dozen names, once, at compile time.
    let mut i = 1;
    while i < N {
        let mut j = i;
        while j > 0 && bytes_less(names[out[j]].as_bytes(), names[out[j - 1]].as_bytes()) {
            let t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
            j -= 1;
        }
        i += 1;
    }
    out
}

/// The declared names followed by the keys a record keeps (for its name tables).
pub(crate) const fn with_keys<const M: usize>(names: &[&'static str], kept: &[&'static str]) -> [&'static str; M] {
    let mut out = [""; M];
    let mut i = 0;
    while i < names.len() {
        out[i] = names[i];
        i += 1;
    }
    let mut j = 0;
    while j < kept.len() {
        out[i + j] = kept[j];
        j += 1;
    }
    out
}

const fn bytes_less(a: &[u8], b: &[u8]) -> bool {
    let mut i = 0;
    while i < a.len() && i < b.len() {
        if a[i] != b[i] {
            return a[i] < b[i];
        }
        i += 1;
    }
    a.len() < b.len()
}

/// Prints a field through its [`Field::show`].
pub(crate) struct Shown<'a, T>(pub(crate) &'a T, pub(crate) &'static FieldSpec);

impl<T: Field> fmt::Debug for Shown<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.show(self.1, f)
    }
}

/// Declares a record: the struct, its [`RecordSpec`], and its [`Record`] impl (reading, rules, wire order), plus
/// `Debug` with redaction. Each field is written
/// `/// doc` then `name: Type = "WireName" => spec(Rule::...)...,`; `Option<T>` fields are optional, a plain
/// `u64` or `String` is required. `rules: path` names a function `fn(&Self, At, &mut Checker)` with the rules
/// that involve several fields (called after the per-field rules, on the normalised record).
macro_rules! record {
    (
        $(#[doc = $rdoc:literal])+
        pub struct $name:ident as $rwire:literal {
            order: $order:ident,
            rules: $rules:path,
            fields: {
                $(
                    $(#[doc = $doc:literal])+
                    $field:ident : $ty:ty = $wire:literal => $spec:expr,
                )+
            }
            $( , keep: $keep:ident via $mode:ident )?
        }
    ) => {
        $(#[doc = $rdoc])+
        #[derive(Clone, Default, PartialEq)]
        pub struct $name {
            $(
                $(#[doc = $doc])+
                pub $field: $ty,
            )+
            $(
                /// Keys the model does not know, kept as given (see the record's documentation).
                pub $keep: ::serde_json::Map<::std::string::String, ::serde_json::Value>,
            )?
        }

        impl $name {
            /// The wire names of the declared fields, in declaration order.
            pub const FIELD_NAMES: [&'static str; [$($wire),+].len()] = [$($wire),+];
            const FIELDS: &'static [$crate::schema::FieldSpec] = &[
                $(
                    $crate::schema::FieldSpec::new(
                        $wire,
                        stringify!($field),
                        <$ty as $crate::schema::Field>::TYPE,
                        <$ty as $crate::schema::Field>::PRESENCE,
                        $spec,
                        concat!($($doc, "\n"),+),
                    ),
                )+
            ];
            const WIRE_ORDER: [usize; [$($wire),+].len()] =
                $crate::schema::wire_order(&Self::FIELD_NAMES, $crate::schema::Order::$order);
            /// What this record is, field by field.
            pub const SPEC: &'static $crate::schema::RecordSpec = &$crate::schema::RecordSpec {
                name: stringify!($name),
                wire: $rwire,
                doc: concat!($($rdoc, "\n"),+),
                fields: Self::FIELDS,
                names: <$name as $crate::schema::Record>::names,
            };

        }

        impl $crate::schema::Record for $name {
            const SPEC: &'static $crate::schema::RecordSpec = $name::SPEC;

            fn names() -> &'static $crate::loose::Names {
                const KEPT: &[&str] = {
                    #[allow(unused_variables)]
                    let kept: &[&str] = &[];
                    $( let kept = <$mode as $crate::schema::Keep>::KEYS; )?
                    kept
                };
                const ALL: [&str; $name::FIELD_NAMES.len() + KEPT.len()] =
                    $crate::schema::with_keys(&$name::FIELD_NAMES, KEPT);
                static NAMES: $crate::loose::Names = $crate::loose::Names::new(&ALL);
                &NAMES
            }

            #[allow(unused_assignments)]
            fn read_fields(f: &mut $crate::loose::Fields<'_, '_>) -> Self {
                let mut i = 0usize;
                $(
                    let $field = <$ty as $crate::schema::Field>::read(f, &Self::FIELDS[i]);
                    i += 1;
                )+
                $(
                    let $keep = <$mode as $crate::schema::Keep>::read(f);
                )?
                $name { $($field,)+ $($keep,)? }
            }

            #[allow(unused_assignments)]
            fn check_fields(&self, at: $crate::field::At<'_>, c: &mut $crate::check::Checker) -> Option<Self> {
                let mut out = ::std::borrow::Cow::Borrowed(self);
                let mut i = 0usize;
                $(
                    let spec = &Self::FIELDS[i];
                    if let Some(normalised) = $crate::schema::Field::check(&self.$field, at.key(spec.wire), spec, c) {
                        out.to_mut().$field = normalised;
                    }
                    i += 1;
                )+
                $(
                    let names = <Self as $crate::schema::Record>::names();
                    <$mode as $crate::schema::Keep>::check(&self.$keep, at, names, c);
                )?
                $rules(&out, at, c);
                match out {
                    ::std::borrow::Cow::Owned(normalised) => Some(normalised),
                    ::std::borrow::Cow::Borrowed(_) => None,
                }
            }

            fn write_fields<S: $crate::schema::Sink>(
                &self,
                top: bool,
                sink: &mut S,
            ) -> ::std::result::Result<(), S::Error> {
                // One writer per field, in wire order, built at compile time: no dispatch on the field per request.
                type Writer<S> =
                    fn(&$name, bool, &mut S) -> ::std::result::Result<(), <S as $crate::schema::Sink>::Error>;
                struct Writers<S>(::std::marker::PhantomData<S>);
                impl<S: $crate::schema::Sink> Writers<S> {
                    const DECLARED: [Writer<S>; $name::FIELD_NAMES.len()] = [
                        $(
                            |r: &$name, top: bool, sink: &mut S| {
                                $crate::schema::Field::write(&r.$field, $wire, top, sink)
                            },
                        )+
                    ];
                    const IN_WIRE_ORDER: [Writer<S>; $name::FIELD_NAMES.len()] = {
                        let mut out = Self::DECLARED;
                        let mut i = 0;
                        while i < out.len() {
                            out[i] = Self::DECLARED[$name::WIRE_ORDER[i]];
                            i += 1;
                        }
                        out
                    };
                }
                for write in Writers::<S>::IN_WIRE_ORDER.iter() {
                    write(self, top, sink)?;
                }
                $(
                    <$mode as $crate::schema::Keep>::write(&self.$keep, sink)?;
                )?
                Ok(())
            }

            #[allow(unused_assignments)]
            fn check_unique(items: &[Self], index: usize, list: $crate::field::At<'_>, c: &mut $crate::check::Checker) {
                let item = &items[index];
                let mut i = 0usize;
                $(
                    let spec = &Self::FIELDS[i];
                    if spec.unique {
                        let earlier = items[..index]
                            .iter()
                            .position(|e| $crate::schema::Field::same(&e.$field, &item.$field));
                        if let Some(first) = earlier {
                            let at = list.index(index);
                            c.invalid(at.key(spec.wire), format!("duplicate of `{list}[{first}].{}`", spec.wire));
                        }
                    }
                    i += 1;
                )+
            }
        }

        impl ::std::fmt::Debug for $name {
            #[allow(unused_assignments)]
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                let mut d = f.debug_struct(stringify!($name));
                let mut i = 0usize;
                $(
                    d.field(stringify!($field), &$crate::schema::Shown(&self.$field, &Self::FIELDS[i]));
                    i += 1;
                )+
                $(
                    let kept = $crate::schema::KeptShown::<$mode>(&self.$keep, ::std::marker::PhantomData);
                    d.field(stringify!($keep), &kept);
                )?
                d.finish()
            }
        }
    };
}
pub(crate) use record;

/// `Serialize` for records that are written as nested objects (their fields in wire order, unset ones left out).
macro_rules! serialize_nested {
    ($($name:ty),+ $(,)?) => {
        $(
            impl ::serde::Serialize for $name {
                fn serialize<S: ::serde::Serializer>(&self, s: S) -> ::std::result::Result<S::Ok, S::Error> {
                    $crate::schema::Nested(self).serialize(s)
                }
            }
        )+
    };
}
pub(crate) use serialize_nested;

/// The keys a record keeps beyond its declared fields, and how: the request's `ExtraParams` (raw wire parameters,
/// merged into the body in wire order by the request's writer) or a TTS vendor's settings that the model does not
/// know (passed through after the known ones).
pub(crate) trait Keep {
    /// Keys of the record that hold the kept values (`ExtraParams`), beside the declared fields.
    const KEYS: &'static [&'static str];
    fn read(f: &mut Fields<'_, '_>) -> Map<String, Value>;
    /// `names`: the record's name tables.
    fn check(kept: &Map<String, Value>, at: At<'_>, names: &'static Names, c: &mut Checker);
    fn write<S: Sink>(kept: &Map<String, Value>, sink: &mut S) -> Result<(), S::Error>;
    fn show(kept: &Map<String, Value>, f: &mut fmt::Formatter<'_>) -> fmt::Result;
}

/// Prints kept keys through their [`Keep::show`].
pub(crate) struct KeptShown<'a, K>(pub(crate) &'a Map<String, Value>, pub(crate) std::marker::PhantomData<K>);

impl<K: Keep> fmt::Debug for KeptShown<'_, K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        K::show(self.0, f)
    }
}
