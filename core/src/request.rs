//! PLACEHOLDER: being replaced by the full request model (issue 2). Contract only.
use crate::field::{FieldError, KeyCase};
use serde_json::{Map, Value};

#[derive(Clone, Default, PartialEq)]
pub struct CreateAiCallRequest {
    pub extra: Map<String, Value>,
}

impl std::fmt::Debug for CreateAiCallRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CreateAiCallRequest { .. }")
    }
}

impl CreateAiCallRequest {
    pub fn from_value(value: Value, _case: KeyCase) -> Result<Self, Vec<FieldError>> {
        match value {
            Value::Object(extra) => Ok(CreateAiCallRequest { extra }),
            _ => Err(vec![FieldError::invalid("", "must be an object")]),
        }
    }
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        Ok(())
    }
    pub fn to_wire(&self) -> Result<Map<String, Value>, Vec<FieldError>> {
        Ok(self.extra.clone())
    }
    pub fn to_wire_body(&self) -> Result<String, Vec<FieldError>> {
        Ok(Value::Object(self.to_wire()?).to_string())
    }
}
