//! `new Client({...})` options to the core's `ClientConfig`: the core reads them, with Node's names and
//! milliseconds, and names a bad one the way JavaScript spells it.

use crate::error::to_napi;
use ccc_aicall::{ClientConfig, KeyCase};
use serde_json::Value;

pub fn client_config(options: Option<Value>) -> napi::Result<ClientConfig> {
    ClientConfig::from_value(options.unwrap_or(Value::Null), KeyCase::Camel).map_err(to_napi)
}
