//! Request bodies as milvus-backup's clients send them: a JSON object whose keys match field
//! names case-insensitively (as Go's `encoding/json` does). Each field is read on its own, so a
//! wrong type is a 400 that names the field; unknown keys are ignored, as Go ignores them.

use super::reply::ApiError;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// A parsed body: its keys lower-cased.
#[derive(Debug)]
pub struct Body(Map<String, Value>);

impl Body {
    /// Parses `bytes` (an empty body is an empty object).
    pub fn parse(bytes: &[u8]) -> Result<Body, ApiError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Body(Map::new()));
        }
        let v: Value = serde_json::from_slice(bytes).map_err(|e| {
            ApiError::bad_request(format!("the request body is not valid JSON: {e}"))
        })?;
        let Value::Object(map) = v else {
            return Err(ApiError::bad_request(
                "the request body must be a JSON object ({...})",
            ));
        };
        Ok(Body(
            map.into_iter()
                .map(|(k, v)| (k.to_ascii_lowercase(), v))
                .collect(),
        ))
    }

    pub fn raw(&self) -> Value {
        Value::Object(self.0.clone())
    }

    /// The field `name` (matched case-insensitively), `None` when absent or null.
    pub fn get<T: DeserializeOwned>(&self, name: &str) -> Result<Option<T>, ApiError> {
        match self.0.get(&name.to_ascii_lowercase()) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => serde_json::from_value(v.clone())
                .map(Some)
                .map_err(|e| ApiError::bad_request(format!("field `{name}`: {e}"))),
        }
    }

    pub fn string(&self, name: &str) -> Result<String, ApiError> {
        Ok(self.get::<String>(name)?.unwrap_or_default())
    }

    pub fn flag(&self, name: &str) -> Result<bool, ApiError> {
        Ok(self.get::<bool>(name)?.unwrap_or(false))
    }

    /// Refuses options of milvus-backup this tool does not implement, when they ask for
    /// something (true, non-empty, non-zero): a script must not believe they were honoured.
    pub fn refuse_unsupported(&self, names: &[&str]) -> Result<(), ApiError> {
        for name in names {
            let asked = match self.0.get(&name.to_ascii_lowercase()) {
                None | Some(Value::Null) | Some(Value::Bool(false)) => false,
                Some(Value::String(s)) => !s.is_empty(),
                Some(Value::Number(n)) => n.as_f64() != Some(0.0),
                Some(Value::Array(a)) => !a.is_empty(),
                Some(Value::Object(o)) => !o.is_empty(),
                Some(Value::Bool(true)) => true,
            };
            if asked {
                return Err(ApiError::not_supported(format!(
                    "field `{name}`: this option of milvus-backup is not supported by milvus-backup-tui; \
                     remove it (see docs/api.md)"
                )));
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_match_case_insensitively_and_types_are_named() {
        let b =
            Body::parse(br#"{"Backup_Name":"a","ASYNC":true,"dropExistCollection":1}"#).unwrap();
        assert_eq!(b.string("backup_name").unwrap(), "a");
        assert!(b.flag("async").unwrap());
        let e = b.flag("dropExistCollection").unwrap_err();
        assert_eq!(e.code, super::super::reply::PARAMETER_ERROR);
        assert!(
            e.msg.starts_with("field `dropExistCollection`:"),
            "{}",
            e.msg
        );
    }

    #[test]
    fn malformed_and_non_object_bodies_are_refused() {
        assert!(
            Body::parse(b"{\"a\":")
                .unwrap_err()
                .msg
                .contains("not valid JSON")
        );
        assert!(Body::parse(b"[1]").unwrap_err().msg.contains("JSON object"));
        assert!(Body::parse(b"  ").is_ok());
    }

    #[test]
    fn unsupported_options_are_refused_only_when_asked_for() {
        let b = Body::parse(br#"{"rbac":false,"strategy":"","meta_only":true}"#).unwrap();
        assert!(b.refuse_unsupported(&["rbac", "strategy"]).is_ok());
        let e = b.refuse_unsupported(&["meta_only"]).unwrap_err();
        assert!(e.msg.contains("meta_only"));
    }
}
