//! Python objects <-> JSON values, the form the core reads and answers in.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyList, PyMapping, PyString, PyTuple};
use serde_json::{Map, Number, Value};

/// A JSON value from a Python value: None, bool, int, float, str, a mapping with str keys, a list or tuple.
/// Errors name where in the value the problem is (`transfer_items[0].transfer_skill_group_id`).
pub fn to_json(obj: &Bound<'_, PyAny>) -> PyResult<Value> {
    to_json_at(obj).map_err(Bad::into_err)
}

/// A conversion failure on its way out. The path is collected as the recursion unwinds, so values that convert
/// cost no path formatting at all.
enum Bad {
    /// A Python error raised while reading the value (a failing `__iter__` or `items()`): passed on as it is.
    Raised(PyErr),
    Shape {
        /// Path segments (`[0]`, `.key`), innermost first.
        rev_path: Vec<String>,
        make: fn(String) -> PyErr,
        message: String,
    },
}

impl Bad {
    fn new(make: fn(String) -> PyErr, message: String) -> Self {
        Bad::Shape { rev_path: Vec::new(), make, message }
    }

    fn from_py(err: PyErr) -> Self {
        Bad::Raised(err)
    }

    fn within(mut self, segment: impl FnOnce() -> String) -> Self {
        if let Bad::Shape { rev_path, .. } = &mut self {
            rev_path.push(segment());
        }
        self
    }

    fn into_err(self) -> PyErr {
        match self {
            Bad::Raised(err) => err,
            Bad::Shape { rev_path, make, message } => {
                let path: String = rev_path.iter().rev().map(String::as_str).collect();
                match path.strip_prefix('.').unwrap_or(&path) {
                    "" => make(message),
                    path => make(format!("{path}: {message}")),
                }
            }
        }
    }
}

fn to_json_at(obj: &Bound<'_, PyAny>) -> Result<Value, Bad> {
    if obj.is_none() {
        return Ok(Value::Null);
    }
    if let Ok(s) = obj.cast::<PyString>() {
        return Ok(Value::String(s.to_cow().map_err(Bad::from_py)?.into_owned()));
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
            Err(_) => Err(Bad::new(PyValueError::new_err, format!("integer {obj} is out of range"))),
        };
    }
    if let Ok(f) = obj.cast::<PyFloat>() {
        return Number::from_f64(f.value())
            .map(Value::Number)
            .ok_or_else(|| Bad::new(PyValueError::new_err, format!("{} is not a finite number", f.value())));
    }
    if obj.is_instance_of::<PyList>() || obj.is_instance_of::<PyTuple>() {
        let mut items = Vec::new();
        for (i, item) in obj.try_iter().map_err(Bad::from_py)?.enumerate() {
            let item = item.map_err(Bad::from_py)?;
            items.push(to_json_at(&item).map_err(|bad| bad.within(|| format!("[{i}]")))?);
        }
        return Ok(Value::Array(items));
    }
    if let Ok(dict) = obj.cast::<PyDict>() {
        return object(dict.iter().map(Ok));
    }
    if let Ok(mapping) = obj.cast::<PyMapping>() {
        let items = mapping.items().map_err(Bad::from_py)?;
        return object(items.iter().map(|kv| kv.extract::<(Bound<'_, PyAny>, Bound<'_, PyAny>)>()));
    }
    let type_name = obj.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
    Err(Bad::new(PyTypeError::new_err, format!("expected None, bool, int, float, str, list or dict, not {type_name}")))
}

fn object<'py>(items: impl Iterator<Item = PyResult<(Bound<'py, PyAny>, Bound<'py, PyAny>)>>) -> Result<Value, Bad> {
    let mut map = Map::new();
    for item in items {
        let (key, value) = item.map_err(Bad::from_py)?;
        let Ok(key) = key.cast::<PyString>() else {
            let type_name = key.get_type().name().map(|n| n.to_string()).unwrap_or_else(|_| "?".into());
            return Err(Bad::new(PyTypeError::new_err, format!("dict keys must be str, not {type_name}")));
        };
        let key = key.to_cow().map_err(Bad::from_py)?.into_owned();
        let value = to_json_at(&value).map_err(|bad| bad.within(|| format!(".{key}")))?;
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
