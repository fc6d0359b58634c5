//! A collection's rows in primary-key order, one bounded page at a time (the query iterator
//! protocol): each page asks for `pk > last` with a limit, so memory is bounded by the page
//! size whatever the collection size, and every page is read at or after the timestamp of the
//! first one.

use crate::milvus::proto::schema::{self as pb, FieldData, field_data, scalar_field};
use crate::milvus::{MilvusClient, RowQuery};
use crate::{Error, Result};

/// A primary-key value.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Pk {
    Int(i64),
    Str(String),
}

impl Pk {
    /// The expression that selects the rows after this one.
    fn after_expr(&self, field: &str) -> String {
        match self {
            Pk::Int(n) => format!("{field} > {n}"),
            Pk::Str(s) => format!(
                "{field} > \"{}\"",
                s.replace('\\', "\\\\").replace('"', "\\\"")
            ),
        }
    }
}

/// One page of rows: the columns as the server sent them.
#[derive(Clone, Debug)]
pub struct Page {
    pub columns: Vec<FieldData>,
    pub rows: usize,
    /// The primary keys of the page, in order.
    pub pks: Vec<Pk>,
}

/// The fields a portable backup reads: every field except function outputs (the server
/// computes those again), plus `$meta` for the dynamic fields.
pub fn output_fields(schema: &pb::CollectionSchema) -> Vec<String> {
    let mut out: Vec<String> = schema
        .fields
        .iter()
        .filter(|f| !f.is_function_output && !f.is_dynamic)
        .map(|f| f.name.clone())
        .collect();
    if schema.enable_dynamic_field || schema.fields.iter().any(|f| f.is_dynamic) {
        out.push("$meta".into());
    }
    out
}

/// Reads `db.coll` page by page. The collection must be loaded.
pub struct PkPages<'a> {
    client: &'a MilvusClient,
    db: String,
    coll: String,
    pk_field: String,
    output_fields: Vec<String>,
    page_rows: usize,
    guarantee_ts: u64,
    last: Option<Pk>,
    done: bool,
}

impl<'a> PkPages<'a> {
    /// Pages of at most `page_rows` rows (at least 1) of the collection described by `schema`.
    pub fn new(
        client: &'a MilvusClient,
        db: &str,
        coll: &str,
        schema: &pb::CollectionSchema,
        page_rows: usize,
    ) -> Result<PkPages<'a>> {
        let pk_field = schema
            .fields
            .iter()
            .find(|f| f.is_primary_key)
            .map(|f| f.name.clone())
            .ok_or_else(|| {
                Error::invalid(format!("collection {db}.{coll} has no primary key field"))
            })?;
        Ok(PkPages {
            client,
            db: db.to_string(),
            coll: coll.to_string(),
            pk_field,
            output_fields: output_fields(schema),
            page_rows: page_rows.max(1),
            guarantee_ts: 0,
            last: None,
            done: false,
        })
    }

    /// The timestamp every page after the first is read at (0 when the server gives none).
    pub fn guarantee_ts(&self) -> u64 {
        self.guarantee_ts
    }

    /// The next page, `None` after the last one. Fails when the server's answer is not in
    /// strictly increasing primary-key order (paging on would skip or repeat rows).
    pub async fn next_page(&mut self) -> Result<Option<Page>> {
        if self.done {
            return Ok(None);
        }
        let expr = self
            .last
            .as_ref()
            .map(|pk| pk.after_expr(&self.pk_field))
            .unwrap_or_default();
        let answer = self
            .client
            .query_rows(
                &self.db,
                &self.coll,
                &RowQuery {
                    expr: &expr,
                    output_fields: &self.output_fields,
                    limit: self.page_rows,
                    guarantee_ts: self.guarantee_ts,
                    iterator: true,
                },
            )
            .await?;
        if self.guarantee_ts == 0 {
            self.guarantee_ts = answer.session_ts;
        }
        let pks = pk_values(&answer.columns, &self.pk_field)
            .ok_or_else(|| self.bad("no primary-key column"))?;
        if pks.len() > self.page_rows {
            return Err(self.bad(&format!(
                "{} rows for a limit of {}",
                pks.len(),
                self.page_rows
            )));
        }
        if !follows(self.last.as_ref(), &pks) {
            return Err(self.bad("rows not in increasing primary-key order"));
        }
        if pks.len() < self.page_rows {
            self.done = true;
        }
        if pks.is_empty() {
            return Ok(None);
        }
        self.last = pks.last().cloned();
        Ok(Some(Page {
            rows: pks.len(),
            columns: answer.columns,
            pks,
        }))
    }

    fn bad(&self, what: &str) -> Error {
        Error::Milvus {
            op: "Query",
            target: format!("{}.{}", self.db, self.coll),
            reason: format!("cannot page through the rows: {what}"),
        }
    }
}

/// `pks` strictly increase and all come after `last`.
fn follows(last: Option<&Pk>, pks: &[Pk]) -> bool {
    let after_last = match (last, pks.first()) {
        (Some(l), Some(first)) => l < first,
        _ => true,
    };
    after_last && pks.windows(2).all(|w| w[0] < w[1])
}

/// The primary keys of an answer, from its `field` column.
fn pk_values(columns: &[FieldData], field: &str) -> Option<Vec<Pk>> {
    let col = columns.iter().find(|c| c.field_name == field)?;
    let Some(field_data::Field::Scalars(s)) = &col.field else {
        return None;
    };
    match &s.data {
        Some(scalar_field::Data::LongData(a)) => {
            Some(a.data.iter().copied().map(Pk::Int).collect())
        }
        Some(scalar_field::Data::StringData(a)) => {
            Some(a.data.iter().cloned().map(Pk::Str).collect())
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn after_expressions_quote_strings() {
        assert_eq!(Pk::Int(-5).after_expr("id"), "id > -5");
        assert_eq!(
            Pk::Str(r#"a"b\c"#.into()).after_expr("pk"),
            r#"pk > "a\"b\\c""#
        );
    }

    #[test]
    fn pages_must_strictly_follow_the_last_key() {
        let ints = |v: &[i64]| v.iter().copied().map(Pk::Int).collect::<Vec<_>>();
        assert!(follows(None, &ints(&[1, 2, 5])));
        assert!(follows(None, &[]));
        assert!(follows(Some(&Pk::Int(0)), &ints(&[1, 2])));
        assert!(
            !follows(Some(&Pk::Int(1)), &ints(&[1, 2])),
            "a repeated key"
        );
        assert!(!follows(None, &ints(&[2, 1])), "out of order");
        assert!(!follows(None, &ints(&[2, 2])), "a duplicate");
    }

    #[test]
    fn output_fields_skip_function_outputs_and_add_meta() {
        let f = |name: &str, out: bool| pb::FieldSchema {
            name: name.into(),
            is_function_output: out,
            ..Default::default()
        };
        let s = pb::CollectionSchema {
            fields: vec![f("pk", false), f("text", false), f("bm25", true)],
            enable_dynamic_field: true,
            ..Default::default()
        };
        assert_eq!(output_fields(&s), ["pk", "text", "$meta"]);
    }
}
