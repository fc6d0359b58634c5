//! Which schema features a Milvus version has, so that a restore into an older server is
//! refused before anything changes, naming the field (a sparse vector into 2.3, a nullable
//! field into 2.4), instead of failing half-way in CreateCollection or the import.

use crate::compat::major_minor;
use crate::format::{Field, Schema};

/// Milvus Lite (PyPI `milvus-lite` 3.x) reports `milvus_lite-<its own version>`; it speaks the
/// current protocol. (The embedded Milvus 2.3.5 reports `v2.3.5-lite`: that is a real 2.3.)
pub fn is_milvus_lite(version: &str) -> bool {
    version
        .trim()
        .to_ascii_lowercase()
        .starts_with("milvus_lite")
}

/// One schema feature the target lacks.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Missing {
    /// The field (or function) that uses it.
    pub name: String,
    /// What it is, in the user's words ("a field of type SPARSE_FLOAT_VECTOR").
    pub what: String,
    /// The first Milvus version that has it; `None`: Milvus Lite lacks it.
    pub since: Option<(u32, u32)>,
}

impl std::fmt::Display for Missing {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.since {
            Some((major, minor)) => write!(
                f,
                "'{}' is {}, which Milvus has from {major}.{minor} on",
                self.name, self.what
            ),
            None => write!(
                f,
                "'{}' is {}, which Milvus Lite does not have",
                self.name, self.what
            ),
        }
    }
}

/// The data types by wire number, with the version that introduced them (2.2 = always there
/// as far as this tool goes).
fn type_since(data_type: i32) -> Option<(&'static str, (u32, u32))> {
    Some(match data_type {
        22 => ("ARRAY", (2, 3)),
        24 => ("GEOMETRY", (2, 6)),
        102 => ("FLOAT16_VECTOR", (2, 4)),
        103 => ("BFLOAT16_VECTOR", (2, 4)),
        104 => ("SPARSE_FLOAT_VECTOR", (2, 4)),
        105 => ("INT8_VECTOR", (2, 6)),
        _ => return None,
    })
}

fn field_needs(f: &Field) -> Vec<(String, (u32, u32))> {
    let mut out = Vec::new();
    if let Some((name, since)) = type_since(f.data_type) {
        out.push((format!("a field of type {name}"), since));
    }
    if f.nullable {
        out.push(("a nullable field".into(), (2, 5)));
    }
    if !f.default_value_base64.is_empty() {
        out.push(("a field with a default value".into(), (2, 5)));
    }
    if f.is_clustering_key {
        out.push(("a clustering key".into(), (2, 5)));
    }
    out
}

/// Vector types Milvus Lite 3.2.2 refuses in CreateCollection (measured: "uses Milvus type
/// BinaryVector which MilvusLite does not support").
fn lite_lacks(data_type: i32) -> Option<&'static str> {
    Some(match data_type {
        100 => "BINARY_VECTOR",
        102 => "FLOAT16_VECTOR",
        103 => "BFLOAT16_VECTOR",
        105 => "INT8_VECTOR",
        _ => return None,
    })
}

/// Everything in `schema` that a server of `target_version` lacks. Empty when the version
/// cannot be read (the compatibility matrix warns about those).
pub fn missing_on(schema: &Schema, target_version: &str) -> Vec<Missing> {
    if is_milvus_lite(target_version) {
        return schema
            .fields
            .iter()
            .filter_map(|f| {
                lite_lacks(f.data_type).map(|t| Missing {
                    name: f.name.clone(),
                    what: format!("a field of type {t}"),
                    since: None,
                })
            })
            .collect();
    }
    let Some(target) = major_minor(target_version) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for f in schema.fields.iter().filter(|f| !f.is_dynamic) {
        for (what, since) in field_needs(f) {
            if target < since {
                out.push(Missing {
                    name: f.name.clone(),
                    what,
                    since: Some(since),
                });
            }
        }
    }
    for func in &schema.functions {
        if target < (2, 5) {
            out.push(Missing {
                name: func.name.clone(),
                what: "a schema function (BM25 / text embedding)".into(),
                since: Some((2, 5)),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::format::Function;

    fn field(name: &str, data_type: i32) -> Field {
        Field {
            name: name.into(),
            data_type,
            ..Default::default()
        }
    }

    fn modern() -> Schema {
        Schema {
            fields: vec![
                field("pk", 21),
                field("tags", 22),
                field("sparse", 104),
                Field {
                    nullable: true,
                    ..field("score", 11)
                },
                field("i8v", 105),
            ],
            functions: vec![Function {
                name: "bm25".into(),
                function_type: 1,
                ..Default::default()
            }],
            ..Default::default()
        }
    }

    fn names(v: &[Missing]) -> Vec<&str> {
        v.iter().map(|m| m.name.as_str()).collect()
    }

    #[test]
    fn older_targets_name_each_missing_field() {
        assert_eq!(
            names(&missing_on(&modern(), "v2.3.5-lite")),
            ["sparse", "score", "i8v", "bm25"]
        );
        assert_eq!(
            names(&missing_on(&modern(), "v2.2.16")),
            ["tags", "sparse", "score", "i8v", "bm25"]
        );
        assert_eq!(names(&missing_on(&modern(), "v2.5.4")), ["i8v"]);
        assert!(missing_on(&modern(), "v2.6.0").is_empty());
        let m = &missing_on(&modern(), "2.3.5")[0];
        assert_eq!(
            m.to_string(),
            "'sparse' is a field of type SPARSE_FLOAT_VECTOR, which Milvus has from 2.4 on"
        );
    }

    #[test]
    fn lite_lacks_binary_float16_bfloat16_and_int8_vectors() {
        assert!(is_milvus_lite("milvus_lite-3.2.2"));
        assert!(!is_milvus_lite("v2.3.5-lite"));
        let m = missing_on(&modern(), "milvus_lite-3.2.2");
        assert_eq!(names(&m), ["i8v"]);
        assert_eq!(
            m[0].to_string(),
            "'i8v' is a field of type INT8_VECTOR, which Milvus Lite does not have"
        );
        let binary = Schema {
            fields: vec![field("pk", 5), field("b", 100), field("h", 102)],
            ..Default::default()
        };
        assert_eq!(names(&missing_on(&binary, "milvus_lite-3.2.2")), ["b", "h"]);
    }

    #[test]
    fn unreadable_versions_refuse_nothing() {
        assert!(missing_on(&modern(), "master").is_empty());
    }

    #[test]
    fn the_dynamic_field_and_plain_types_need_nothing() {
        let s = Schema {
            fields: vec![
                field("pk", 5),
                field("v", 101),
                Field {
                    is_dynamic: true,
                    ..field("$meta", 23)
                },
            ],
            ..Default::default()
        };
        assert!(missing_on(&s, "2.2.16").is_empty());
    }
}
