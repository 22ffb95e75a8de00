//! Structured request generation for `request_structured`: keys drawn from the parameter names (in the
//! caller's case or the wire's) and values from the words the rules care about, so the fuzzer spends its time
//! in validation rather than in the JSON tokenizer.

use crate::checks::NESTED;
use arbitrary::Arbitrary;
use ccc_aicall::{KeyCase, PARAMETERS};
use serde_json::{Map, Number, Value};

/// Values the rules single out: enumerations, URLs, phone numbers, voices, edge-case text.
const WORDS: [&str; 40] = [
    "openai",
    "azure",
    "minimax",
    "dify",
    "tencent",
    "volcengine",
    "custom",
    "minixmax",
    "OpenAI",
    "pcm",
    "wav",
    "WAV",
    "Text",
    "Selector",
    "Boolean",
    "Number",
    "zh",
    "en",
    "ja",
    "zh-CN",
    "ZhiMei",
    "WeRose",
    "ZhiXi",
    "https://api.openai.com/v1/",
    "http://127.0.0.1:9/v1?api-version=2024-06-01",
    "ftp://x",
    "https://",
    "+86 130-1234-5678",
    "008613012345678",
    "+",
    "(0)1-2.3",
    "",
    " ",
    "\u{0}",
    "\u{7f}\r\n",
    "é中文😀",
    "s3cr3t-key",
    "{\"TTSType\":\"custom\"}",
    "{}",
    "null",
];

#[derive(Arbitrary, Debug)]
pub enum Key {
    /// A known name; the high bit picks the wire spelling over the caller's.
    Name(u8),
    Text(String),
}

#[derive(Arbitrary, Debug)]
pub enum Val {
    Null,
    Bool(bool),
    Small(u8),
    U64(u64),
    I64(i64),
    F64(f64),
    Word(u8),
    Text(String),
    List(Vec<Val>),
    Object(Vec<(Key, Val)>),
    /// A value sent as a JSON string, as `CustomTTSConfig` and `LLMExtraBody` are (two levels at most: each one
    /// doubles the escaping, so deeper ones would only make the harness slow).
    JsonText(Box<Val>),
}

#[derive(Arbitrary, Debug)]
pub struct Request {
    pub case: u8,
    pub fields: Vec<(Key, Val)>,
}

impl Request {
    /// The generated request object, keyed in its case.
    pub fn to_value(&self) -> Value {
        self.to_value_in(crate::checks::key_case(self.case))
    }

    /// The generated request object, keyed in `case`.
    pub fn to_value_in(&self, case: KeyCase) -> Value {
        object(&self.fields, case)
    }

    /// The generated request as the `request` target's input: the case byte, then the JSON.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut out = vec![b'0' + self.case % 3];
        out.extend(self.to_value().to_string().into_bytes());
        out
    }
}

fn name(index: u8, case: KeyCase) -> String {
    let all = PARAMETERS.len() + NESTED.len();
    let i = usize::from(index & 0x7f) % all;
    let wire = if i < PARAMETERS.len() { PARAMETERS[i] } else { NESTED[i - PARAMETERS.len()] };
    if index & 0x80 != 0 {
        wire.to_string()
    } else {
        case.key(wire)
    }
}

fn object(fields: &[(Key, Val)], case: KeyCase) -> Value {
    let mut map = Map::new();
    apply(&mut map, fields, case);
    Value::Object(map)
}

/// Set each generated field in `map` (over what is there).
pub fn apply(map: &mut Map<String, Value>, fields: &[(Key, Val)], case: KeyCase) {
    for (key, val) in fields {
        map.insert(key.render(case), val.to_value(case));
    }
}

impl Key {
    fn render(&self, case: KeyCase) -> String {
        match self {
            Key::Name(i) => name(*i, case),
            Key::Text(s) => s.clone(),
        }
    }
}

impl Val {
    pub fn to_value(&self, case: KeyCase) -> Value {
        self.render(case, 0)
    }

    fn render(&self, case: KeyCase, texts: u8) -> Value {
        match self {
            Val::Null => Value::Null,
            Val::Bool(b) => Value::Bool(*b),
            Val::Small(n) => Value::from(*n),
            Val::U64(n) => Value::from(*n),
            Val::I64(n) => Value::from(*n),
            Val::F64(f) => Number::from_f64(*f).map_or(Value::Null, Value::Number),
            Val::Word(i) => Value::String(WORDS[usize::from(*i) % WORDS.len()].to_string()),
            Val::Text(s) => Value::String(s.clone()),
            Val::List(items) => Value::Array(items.iter().map(|v| v.render(case, texts)).collect()),
            Val::Object(fields) => {
                let mut map = Map::new();
                for (key, val) in fields {
                    map.insert(key.render(case), val.render(case, texts));
                }
                Value::Object(map)
            }
            Val::JsonText(inner) if texts < 2 => Value::String(inner.render(case, texts + 1).to_string()),
            Val::JsonText(inner) => inner.render(case, texts),
        }
    }
}
