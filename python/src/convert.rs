//! Python objects <-> JSON values, the form the core reads and answers in.

use crate::errors;
use ccc_aicall::check::MAX_INPUT_DEPTH;
use ccc_aicall::request::{unconvertible, Step, Unconvertible};
use ccc_aicall::{Error, FieldError, KeyCase};
use pyo3::exceptions::PyTypeError;
use pyo3::prelude::*;
use pyo3::types::{
    PyBool, PyDateTime, PyDelta, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple, PyTzInfo,
};
use serde_json::{Map, Number, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

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

/// A time to the microsecond (what a `datetime` holds).
pub fn to_micros(t: SystemTime) -> SystemTime {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => UNIX_EPOCH + Duration::new(d.as_secs(), d.subsec_micros() * 1000),
        Err(_) => t,
    }
}

/// A time as a timezone-aware UTC `datetime`, to the microsecond.
pub fn utc_datetime(py: Python<'_>, t: SystemTime) -> PyResult<Bound<'_, PyAny>> {
    let utc = PyTzInfo::utc(py)?;
    let epoch = PyDateTime::new(py, 1970, 1, 1, 0, 0, 0, 0, Some(&utc))?;
    let (since, sign) = match t.duration_since(UNIX_EPOCH) {
        Ok(d) => (d, "__add__"),
        Err(before) => (before.duration(), "__sub__"),
    };
    // Whole microseconds: a datetime holds no finer.
    let since = Duration::new(since.as_secs(), since.subsec_micros() * 1000);
    epoch.call_method1(sign, (since,))
}

pub fn opt_utc_datetime(py: Python<'_>, t: Option<SystemTime>) -> PyResult<Option<Bound<'_, PyAny>>> {
    t.map(|t| utc_datetime(py, t)).transpose()
}

/// A point in time given as a timezone-aware `datetime` or as Unix seconds (int or float). A naive `datetime` is
/// refused (a `ValidationError` naming `name`): which zone it meant cannot be known.
pub fn system_time(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<SystemTime> {
    let py = obj.py();
    let invalid = |why: &str| errors::to_py(py, &Error::Validation(vec![FieldError::invalid(name, why)]));
    if obj.is_instance_of::<PyDateTime>() {
        if obj.call_method0("utcoffset")?.is_none() {
            return Err(invalid(
                "a naive datetime: give it a timezone (datetime.timezone.utc, ...) or pass Unix seconds",
            ));
        }
        let utc = PyTzInfo::utc(py)?;
        let epoch = PyDateTime::new(py, 1970, 1, 1, 0, 0, 0, 0, Some(&utc))?;
        let since = obj.call_method1("__sub__", (epoch,))?;
        let negative = since.call_method0("total_seconds")?.extract::<f64>()? < 0.0;
        if negative {
            return Err(invalid("must not be before 1970"));
        }
        return Ok(UNIX_EPOCH + since.extract::<Duration>()?);
    }
    if obj.is_instance_of::<PyBool>() || !(obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>()) {
        let type_name = obj.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "{name} must be a datetime or Unix seconds (int or float), not {type_name}"
        )));
    }
    // To the nearest microsecond, as `datetime.fromtimestamp` reads it (a float holds no exact decimal fraction).
    let micros = obj.extract::<f64>()? * 1e6;
    if !micros.is_finite() || micros < 0.0 || micros >= u64::MAX as f64 {
        return Err(invalid("must be Unix seconds: a finite number, not negative"));
    }
    Ok(UNIX_EPOCH + Duration::from_micros(micros.round() as u64))
}

/// A length of time given as seconds (int or float) or a `timedelta`. A negative or not finite one is a
/// `ValidationError` naming `name`.
pub fn duration(obj: &Bound<'_, PyAny>, name: &str) -> PyResult<Duration> {
    let py = obj.py();
    let invalid = || {
        errors::to_py(py, &Error::Validation(vec![FieldError::invalid(name, "must be a finite, non-negative time")]))
    };
    let secs = if obj.is_instance_of::<PyDelta>() {
        obj.call_method0("total_seconds")?.extract::<f64>()?
    } else if !obj.is_instance_of::<PyBool>() && (obj.is_instance_of::<PyInt>() || obj.is_instance_of::<PyFloat>()) {
        obj.extract::<f64>()?
    } else {
        let type_name = obj.get_type().name()?;
        return Err(PyTypeError::new_err(format!(
            "{name} must be seconds (int or float) or a timedelta, not {type_name}"
        )));
    };
    Duration::try_from_secs_f64(secs).map_err(|_| invalid())
}
