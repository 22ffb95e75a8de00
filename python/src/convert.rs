//! Python objects <-> JSON values, the form the core reads and answers in.

use crate::errors;
use ccc_aicall::check::MAX_INPUT_DEPTH;
use ccc_aicall::request::{unconvertible, Step, Unconvertible};
use ccc_aicall::{Error, KeyCase};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// A JSON value from a Python value: None, bool, int, float, str, a mapping with str keys, a list or tuple.
/// A value JSON cannot carry (NaN, an infinity, an integer beyond 64 bits, nesting deeper than the core reads) is a
/// `ValidationError` naming where it is (`tone_word.first_sentence_timeout`); a Python type JSON has no counterpart
/// for is a `TypeError`, as for any Python call given the wrong type.
pub fn to_json(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    to_json_at(obj, 0).map_err(|bad| bad.into_err(obj.py()))
}

/// A client's options (the keywords given) as JSON, as [`to_json`] makes it, except that a value JSON cannot carry
/// is a `ConfigurationError` naming the option (`timeout: must be a finite number, not NaN`), as in Node.
pub fn options_to_json(options: &Bound<'_, PyDict>) -> PyResult<Value> {
    let py = options.py();
    to_json_at(options.as_any(), 0).map_err(|bad| match bad {
        Bad::Value { rev_path, problem } => {
            // The core's words for the problem, at the option's name as written (it is no request field).
            let problem = unconvertible(&[], KeyCase::Snake, problem);
            errors::to_py(py, &Error::ClientOption(format!("{}: {}", written(&rev_path), problem.message)))
        }
        other => other.into_err(py),
    })
}

/// A path-like object (`pathlib.Path`) as its path, as `open()` reads it; anything else as it is.
pub fn fspath<'py>(obj: Bound<'py, PyAny>) -> PyResult<Bound<'py, PyAny>> {
    if obj.is_instance_of::<PyString>() || !obj.hasattr("__fspath__")? {
        return Ok(obj);
    }
    obj.py().import("os")?.call_method1("fspath", (obj,))
}

/// One step of the path to a value, as the caller wrote it.
enum Seg {
    Key(String),
    Index(usize),
}

/// A conversion failure on its way out. The path is collected as the recursion unwinds, so values that convert
/// cost no path formatting at all.
enum Bad {
    /// A Python error raised while reading the value (a failing `__iter__` or `items()`): passed on as it is.
    Raised(PyErr),
    /// A Python type with no JSON counterpart.
    Type { rev_path: Vec<Seg>, message: String },
    /// A value JSON cannot carry.
    Value { rev_path: Vec<Seg>, problem: Unconvertible },
}

impl Bad {
    fn within(mut self, seg: impl FnOnce() -> Seg) -> Self {
        if let Bad::Type { rev_path, .. } | Bad::Value { rev_path, .. } = &mut self {
            rev_path.push(seg());
        }
        self
    }

    fn into_err(self, py: Python<'_>) -> PyErr {
        match self {
            Bad::Raised(err) => err,
            Bad::Type { rev_path, message } => {
                let path = written(&rev_path);
                match path.as_str() {
                    "" => PyTypeError::new_err(message),
                    path => PyTypeError::new_err(format!("{path}: {message}")),
                }
            }
            Bad::Value { rev_path, problem } => {
                errors::validation(py, vec![unconvertible(&steps(&rev_path), KeyCase::Snake, problem)])
            }
        }
    }
}

/// The path of a problem as the caller wrote it (`transfer_items[0].x`).
fn written(rev_path: &[Seg]) -> String {
    rev_path
        .iter()
        .rev()
        .enumerate()
        .map(|(i, seg)| match seg {
            Seg::Key(key) if i == 0 => key.clone(),
            Seg::Key(key) => format!(".{key}"),
            Seg::Index(n) => format!("[{n}]"),
        })
        .collect()
}

/// The path of a problem, root first, from the steps collected as the recursion unwound.
fn steps(rev_path: &[Seg]) -> Vec<Step<'_>> {
    rev_path
        .iter()
        .rev()
        .map(|seg| match seg {
            Seg::Key(key) => Step::Key(key),
            Seg::Index(n) => Step::Index(*n),
        })
        .collect()
}

fn value_problem(problem: Unconvertible) -> Bad {
    Bad::Value { rev_path: Vec::new(), problem }
}

fn to_json_at(obj: &Bound<'_, PyAny>, depth: usize) -> Result<Value, Bad> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow().map_err(Bad::Raised)?.into_owned()));
    }
    if let Ok(b) = obj.cast::<PyBool>() {
        return Ok(Value::Bool(b.is_true()));
    }
    if obj.is_instance_of::<PyInt>() {
        if let Ok(i) = obj.extract::<i64>() {
            return Ok(i.into());
        }
        return match obj.extract::<u64>() {
            Ok(u) => Ok(u.into()),
            Err(_) => Err(value_problem(Unconvertible::IntegerOutOfRange)),
        };
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        let f = f.value();
        return Number::from_f64(f).map(Value::Number).ok_or_else(|| value_problem(Unconvertible::NotFinite(f)));
    }
    let is_list = obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>();
    if depth >= MAX_INPUT_DEPTH && (is_list || obj.cast::<PyMapping>().is_ok()) {
        // Stop before recursing further: a deep enough value would exhaust the stack.
        return Err(value_problem(Unconvertible::TooDeep));
    }
    if is_list {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter().map_err(Bad::Raised)?.enumerate() {
            let item = item.map_err(Bad::Raised)?;
            items.push(to_json_at(&item, depth + 1).map_err(|bad| bad.within(|| Seg::Index(i)))?);
        }
        return Ok(Value::Array(items));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        return object(dict.iter().map(Ok), depth);
    }
    if let Ok(mapping) = obj.cast::<PyMapping>() {
        let items = mapping.items().map_err(Bad::Raised)?;
        return object(items.iter().map(|kv| kv.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()), depth);
    }
    let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    Err(Bad::Type {
        rev_path: Vec::new(),
        message: format!("expected None, bool, int, float, str, list or dict, not {type_name}"),
    })
}

fn object<'py>(
    items: impl Iterator<Item = PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)>>,
    depth: usize,
) -> Result<Value, Bad> {
    let mut map = Map::new();
    for item in items {
        let (key, value) = item.map_err(Bad::Raised)?;
        let Ok(key) = key.cast::<PyString>() else {
            let type_name = key.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
            return Err(Bad::Type { rev_path: Vec::new(), message: format!("dict keys must be str, not {type_name}") });
        };
        let key = key.to_cow().map_err(Bad::Raised)?.into_owned();
        let value = to_json_at(&value, depth + 1).map_err(|bad| bad.within(|| Seg::Key(key.clone())))?;
        map.insert(key, value);
    }
    Ok(Value::Object(map))
}

/// A Python value from a JSON value: dicts, lists, str, int, float, bool and None.
pub fn from_json<'py>(py: Python<'py>, value: &Value) -> PyResult<Bound<'py, PyAny>> {
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => i.into_pyobject(py)?.into_any(),
            (None, Some(u)) => u.into_pyobject(py)?.into_any(),
            _ => n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any(),
        },
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(from_json(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => dict_from_json(py, map)?.into_any(),
    })
}

pub fn dict_from_json<'py>(py: Python<'py>, map: &Map<String, Value>) -> PyResult<Bound<'py, PyDict>> {
    let dict = PyDict::new(py);
    for (k, v) in map {
        dict.set_item(k, from_json(py, v)?)?;
    }
    Ok(dict)
}
