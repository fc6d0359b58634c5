//! Which collections a backup or restore takes (`--filter`), and what they are called after a
//! restore (`-r OLD:NEW`, `-s SUFFIX`).
//!
//! Patterns and rules name collections as `coll` (in the database `default`), `db.coll`, or a
//! whole database as `db.*`.

use crate::names::validate_object_name;
use crate::{Error, Result};
use std::collections::BTreeMap;
use std::fmt;

/// The database a bare collection name belongs to.
pub const DEFAULT_DB: &str = "default";

/// One `--filter` pattern.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
enum Pattern {
    /// `db.coll` or a bare `coll` (database `default`).
    Collection { db: String, coll: String },
    /// `db.*`: every collection of a database.
    Database { db: String },
}

impl Pattern {
    fn matches(&self, db: &str, coll: &str) -> bool {
        match self {
            Pattern::Collection { db: d, coll: c } => d == db && c == coll,
            Pattern::Database { db: d } => d == db,
        }
    }
}

impl fmt::Display for Pattern {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Pattern::Collection { db, coll } => write!(f, "{db}.{coll}"),
            Pattern::Database { db } => write!(f, "{db}.*"),
        }
    }
}

/// A `coll`, `db.coll` or `db.*` reference as written by the user, parsed and checked.
fn parse_ref(text: &str, what: &str) -> Result<Pattern> {
    let text = text.trim();
    if text.is_empty() {
        return Err(Error::invalid(format!("{what}: a name is missing")));
    }
    let (db, coll) = match text.split_once('.') {
        None => (DEFAULT_DB, text),
        Some((db, coll)) => (db, coll),
    };
    if coll.contains('.') {
        return Err(Error::invalid(format!(
            "{what} '{text}' has more than one '.': write coll, db.coll or db.*"
        )));
    }
    if db == "*" || (coll == "*" && !text.contains('.')) {
        return Err(Error::invalid(format!(
            "{what} '{text}': '*' only stands for all collections of one database, as in db.*"
        )));
    }
    validate_object_name("database", db)
        .map_err(|e| Error::invalid(format!("{what} '{text}': {e}")))?;
    if coll == "*" {
        return Ok(Pattern::Database { db: db.to_string() });
    }
    validate_object_name("collection", coll)
        .map_err(|e| Error::invalid(format!("{what} '{text}': {e}")))?;
    Ok(Pattern::Collection {
        db: db.to_string(),
        coll: coll.to_string(),
    })
}

/// Split a comma-separated list, refusing empty entries (`a,,b`).
fn split_list<'a>(text: &'a str, what: &str) -> Result<Vec<&'a str>> {
    let items: Vec<&str> = text.split(',').map(str::trim).collect();
    if items.iter().any(|i| i.is_empty()) {
        return Err(Error::invalid(format!(
            "{what} '{}' has an empty entry: separate entries with single commas",
            text.trim()
        )));
    }
    Ok(items)
}

/// The collections a backup or restore takes. Empty means every collection of every database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// In the order given, without repeats; each with the text the user wrote.
    patterns: Vec<(Pattern, String)>,
}

impl Filter {
    /// Everything.
    pub fn all() -> Filter {
        Filter::default()
    }

    /// Parse `--filter P,...` where each `P` is `coll`, `db.coll` or `db.*`. An empty (or
    /// all-blank) string selects everything.
    pub fn parse(text: &str) -> Result<Filter> {
        if text.trim().is_empty() {
            return Ok(Filter::all());
        }
        let mut patterns: Vec<(Pattern, String)> = Vec::new();
        for item in split_list(text, "filter")? {
            let p = parse_ref(item, "filter pattern")?;
            if !patterns.iter().any(|(q, _)| *q == p) {
                patterns.push((p, item.to_string()));
            }
        }
        Ok(Filter { patterns })
    }

    /// Whether the filter selects everything.
    pub fn is_all(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Whether the collection `coll` of database `db` is selected.
    pub fn matches(&self, db: &str, coll: &str) -> bool {
        self.is_all() || self.patterns.iter().any(|(p, _)| p.matches(db, coll))
    }

    /// The patterns (as written) that select none of `seen` (pairs of database and collection),
    /// so that a typo is an error rather than a silently smaller backup.
    pub fn unmatched(&self, seen: &[(String, String)]) -> Vec<String> {
        self.patterns
            .iter()
            .filter(|(p, _)| !seen.iter().any(|(db, coll)| p.matches(db, coll)))
            .map(|(_, text)| text.clone())
            .collect()
    }

    /// The databases the filter can select from, sorted; `None` means any database.
    pub fn databases(&self) -> Option<Vec<String>> {
        if self.is_all() {
            return None;
        }
        let mut dbs: Vec<String> = self
            .patterns
            .iter()
            .map(|(p, _)| match p {
                Pattern::Collection { db, .. } | Pattern::Database { db } => db.clone(),
            })
            .collect();
        dbs.sort();
        dbs.dedup();
        Some(dbs)
    }
}

/// Shows the filter the way `--filter` takes it, fully qualified; `*` for everything.
impl fmt::Display for Filter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_all() {
            return f.write_str("*");
        }
        let parts: Vec<String> = self.patterns.iter().map(|(p, _)| p.to_string()).collect();
        f.write_str(&parts.join(","))
    }
}

/// Rename rules from `-r OLD:NEW,...`: `coll:coll2`, `db.coll:db2.coll2` (a bare name is in the
/// database `default`), and `db.*:db2.*` (every collection of `db` goes to `db2`, keeping its
/// name). A rule for one collection wins over a rule for its database.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Renames {
    collections: BTreeMap<(String, String), (String, String)>,
    databases: BTreeMap<String, String>,
}

impl Renames {
    /// Parse `-r OLD:NEW,...`.
    pub fn parse(text: &str) -> Result<Renames> {
        let mut r = Renames::default();
        if text.trim().is_empty() {
            return Err(Error::invalid(
                "rename rules are empty: write -r OLD:NEW, e.g. -r coll:coll2 or -r db.*:db2.*",
            ));
        }
        for rule in split_list(text, "rename rules")? {
            let Some((from, to)) = rule.split_once(':') else {
                return Err(Error::invalid(format!(
                    "rename rule '{rule}' has no ':': write OLD:NEW, e.g. coll:coll2, db.coll:db2.coll2 or db.*:db2.*"
                )));
            };
            if to.contains(':') {
                return Err(Error::invalid(format!(
                    "rename rule '{rule}' has more than one ':': write OLD:NEW"
                )));
            }
            let what = format!("rename rule '{rule}':");
            let from = parse_ref(from, &format!("{what} source"))?;
            let to = parse_ref(to, &format!("{what} target"))?;
            match (from, to) {
                (
                    Pattern::Collection { db, coll },
                    Pattern::Collection {
                        db: to_db,
                        coll: to_coll,
                    },
                ) => {
                    if r.collections
                        .insert((db.clone(), coll.clone()), (to_db, to_coll))
                        .is_some()
                    {
                        return Err(Error::invalid(format!(
                            "two rename rules for {db}.{coll}: give one rule per collection"
                        )));
                    }
                }
                (Pattern::Database { db }, Pattern::Database { db: to_db }) => {
                    if r.databases.insert(db.clone(), to_db).is_some() {
                        return Err(Error::invalid(format!(
                            "two rename rules for {db}.*: give one rule per database"
                        )));
                    }
                }
                _ => {
                    return Err(Error::invalid(format!(
                        "rename rule '{rule}' mixes a database (db.*) with a collection: write db.*:db2.* or db.coll:db2.coll2"
                    )));
                }
            }
        }
        // Two collection rules with one target collide whatever is restored.
        let mut targets: BTreeMap<&(String, String), &(String, String)> = BTreeMap::new();
        for (from, to) in &r.collections {
            if let Some(other) = targets.insert(to, from) {
                return Err(collision(other, from, to));
            }
        }
        Ok(r)
    }

    /// The target database and collection of `db.coll`.
    pub fn target(&self, db: &str, coll: &str) -> (String, String) {
        if let Some(t) = self.collections.get(&(db.to_string(), coll.to_string())) {
            return t.clone();
        }
        let db = self.databases.get(db).map_or(db, String::as_str);
        (db.to_string(), coll.to_string())
    }

    pub fn is_empty(&self) -> bool {
        self.collections.is_empty() && self.databases.is_empty()
    }
}

fn collision(a: &(String, String), b: &(String, String), to: &(String, String)) -> Error {
    let (first, second) = if a <= b { (a, b) } else { (b, a) };
    Error::invalid(format!(
        "{}.{} and {}.{} would both be restored as {}.{}: change the rename rules or the suffix",
        first.0, first.1, second.0, second.1, to.0, to.1
    ))
}

/// What restored collections are called.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub enum Naming {
    /// Their own names, in their own databases.
    #[default]
    Same,
    /// Their own names plus a suffix (`-s SUFFIX`), in their own databases.
    Suffix(String),
    /// By rename rules (`-r OLD:NEW,...`); collections without a rule keep their names.
    Rules(Renames),
}

impl Naming {
    /// From the `-r` and `-s` options, at most one of which may be given.
    pub fn from_options(renames: Option<&str>, suffix: Option<&str>) -> Result<Naming> {
        match (renames, suffix) {
            (Some(_), Some(_)) => Err(Error::invalid(
                "give either rename rules (-r) or a suffix (-s), not both",
            )),
            (Some(r), None) => Ok(Naming::Rules(Renames::parse(r)?)),
            (None, Some(s)) => Naming::suffix(s),
            (None, None) => Ok(Naming::Same),
        }
    }

    /// `-s SUFFIX`: letters, digits and `_`, as collection names allow.
    pub fn suffix(suffix: &str) -> Result<Naming> {
        if suffix.is_empty() {
            return Err(Error::invalid(
                "the suffix is empty: give letters, digits or _, e.g. -s _restored",
            ));
        }
        if let Some(bad) = suffix
            .chars()
            .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
        {
            return Err(Error::invalid(format!(
                "suffix '{}' contains {}: a suffix becomes part of collection names, which use letters, digits and _ only",
                suffix.escape_debug(),
                if bad == ' ' {
                    "a space".to_string()
                } else {
                    format!("'{}'", bad.escape_debug())
                }
            )));
        }
        Ok(Naming::Suffix(suffix.to_string()))
    }

    /// The target database and collection of the source collection `db.coll`.
    pub fn target(&self, db: &str, coll: &str) -> (String, String) {
        match self {
            Naming::Same => (db.to_string(), coll.to_string()),
            Naming::Suffix(s) => (db.to_string(), format!("{coll}{s}")),
            Naming::Rules(r) => r.target(db, coll),
        }
    }

    /// Check the targets of `sources` (pairs of database and collection): every target name must
    /// be valid (a suffix can make a name too long) and no two sources may share a target.
    pub fn check_collisions(&self, sources: &[(String, String)]) -> Result<()> {
        let mut seen: BTreeMap<(String, String), (String, String)> = BTreeMap::new();
        let mut sorted: Vec<&(String, String)> = sources.iter().collect();
        sorted.sort();
        sorted.dedup();
        for src in sorted {
            let to = self.target(&src.0, &src.1);
            validate_object_name("collection", &to.1).map_err(|e| {
                Error::invalid(format!(
                    "{}.{} cannot be restored as {}.{}: {e}",
                    src.0, src.1, to.0, to.1
                ))
            })?;
            if let Some(other) = seen.get(&to) {
                return Err(collision(other, src, &to));
            }
            seen.insert(to, src.clone());
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(d, c)| (d.to_string(), c.to_string()))
            .collect()
    }

    fn t(db: &str, coll: &str) -> (String, String) {
        (db.to_string(), coll.to_string())
    }

    fn err(r: Result<impl fmt::Debug>) -> String {
        match r {
            Ok(v) => panic!("expected an error, got {v:?}"),
            Err(Error::Invalid(m)) => m,
            Err(e) => panic!("expected Error::Invalid, got {e:?}"),
        }
    }

    #[test]
    fn filter_matching() {
        // (filter, (db, coll), matches)
        let cases: &[(&str, (&str, &str), bool)] = &[
            ("", ("any", "thing"), true),
            ("  ", ("default", "a"), true),
            ("a", ("default", "a"), true),
            ("a", ("other", "a"), false),
            ("a", ("default", "ab"), false),
            ("db1.a", ("db1", "a"), true),
            ("db1.a", ("default", "a"), false),
            ("db1.*", ("db1", "zz"), true),
            ("db1.*", ("db2", "zz"), false),
            ("default.*", ("default", "x"), true),
            ("a, db1.b ,db2.*", ("db1", "b"), true),
            ("a, db1.b ,db2.*", ("db2", "q"), true),
            ("a, db1.b ,db2.*", ("db1", "a"), false),
            ("A", ("default", "a"), false),
        ];
        for (text, (db, coll), want) in cases {
            let f = Filter::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(f.matches(db, coll), *want, "{text:?} on {db}.{coll}");
        }
        assert!(Filter::all().is_all());
        assert!(Filter::parse("").unwrap().is_all());
        assert!(!Filter::parse("a").unwrap().is_all());
    }

    #[test]
    fn filter_errors() {
        let cases: &[(&str, &str)] = &[
            ("a,,b", "has an empty entry"),
            ("a,", "has an empty entry"),
            ("a.b.c", "'a.b.c' has more than one '.'"),
            ("*", "'*' only stands for all collections of one database"),
            ("*.*", "'*' only"),
            ("*.a", "'*' only"),
            ("my-db.a", "database name 'my-db' contains '-'"),
            ("db.9a", "collection name '9a' starts with a digit"),
            (".a", "database name is empty"),
            ("db.", "collection name is empty"),
            ("a b", "contains a space"),
        ];
        for (text, want) in cases {
            let m = err(Filter::parse(text));
            assert!(m.contains(want), "{text:?}: {m:?} lacks {want:?}");
        }
    }

    #[test]
    fn filter_unmatched_and_display() {
        let f = Filter::parse("a, db1.b, db2.*, db3.*, b, a").unwrap();
        assert_eq!(f.to_string(), "default.a,db1.b,db2.*,db3.*,default.b");
        let seen = pairs(&[("default", "a"), ("db1", "b"), ("db2", "x")]);
        assert_eq!(f.unmatched(&seen), vec!["db3.*", "b"]);
        assert!(Filter::all().unmatched(&[]).is_empty());
        assert_eq!(Filter::all().to_string(), "*");
        assert_eq!(
            f.databases(),
            Some(vec![
                "db1".into(),
                "db2".into(),
                "db3".into(),
                "default".into()
            ])
        );
        assert_eq!(Filter::all().databases(), None);
    }

    #[test]
    fn renames_targets() {
        let r = Renames::parse("a:a2, db1.b:db9.b9, db1.*:db2.*, c:db3.c, db4.d:e").unwrap();
        let n = Naming::Rules(r);
        // (source, target)
        let cases = [
            (("default", "a"), ("default", "a2")),
            (("db1", "b"), ("db9", "b9")), // the exact rule wins over db1.*
            (("db1", "x"), ("db2", "x")),
            (("default", "c"), ("db3", "c")),
            (("db4", "d"), ("default", "e")),
            (("default", "z"), ("default", "z")), // no rule
            (("db2", "x"), ("db2", "x")),
        ];
        for ((db, coll), (tdb, tcoll)) in cases {
            assert_eq!(n.target(db, coll), t(tdb, tcoll), "{db}.{coll}");
        }
        assert_eq!(Naming::Same.target("d", "c"), t("d", "c"));
        assert_eq!(
            Naming::suffix("_r").unwrap().target("d", "c"),
            t("d", "c_r")
        );
    }

    #[test]
    fn rename_errors() {
        let cases: &[(&str, &str)] = &[
            ("", "rename rules are empty"),
            ("a", "rename rule 'a' has no ':'"),
            ("a:b:c", "more than one ':'"),
            ("a:", "target: a name is missing"),
            (":b", "source: a name is missing"),
            ("db.*:db2.c", "mixes a database (db.*) with a collection"),
            ("db.c:db2.*", "mixes a database"),
            ("a:b,a:c", "two rename rules for default.a"),
            ("default.a:b,a:c", "two rename rules for default.a"),
            ("x.*:y.*,x.*:z.*", "two rename rules for x.*"),
            (
                "a:c,b:c",
                "default.a and default.b would both be restored as default.c",
            ),
            ("a:b-c", "collection name 'b-c' contains '-'"),
            ("a-b:c", "rename rule 'a-b:c': source 'a-b'"),
            ("a.b.c:d", "more than one '.'"),
            ("*:x", "'*' only"),
            ("a:b,,c:d", "empty entry"),
        ];
        for (text, want) in cases {
            let m = err(Renames::parse(text));
            assert!(m.contains(want), "{text:?}: {m:?} lacks {want:?}");
        }
    }

    #[test]
    fn suffix_and_options() {
        assert_eq!(
            Naming::suffix("_bak").unwrap(),
            Naming::Suffix("_bak".into())
        );
        assert_eq!(Naming::suffix("2").unwrap(), Naming::Suffix("2".into()));
        for (s, want) in [
            ("", "the suffix is empty"),
            ("-x", "suffix '-x' contains '-'"),
            ("a b", "contains a space"),
            ("é", "contains 'é'"),
            (".x", "contains '.'"),
        ] {
            let m = err(Naming::suffix(s));
            assert!(m.contains(want), "{s:?}: {m:?} lacks {want:?}");
        }
        assert_eq!(Naming::from_options(None, None).unwrap(), Naming::Same);
        assert_eq!(
            Naming::from_options(None, Some("_x")).unwrap(),
            Naming::Suffix("_x".into())
        );
        assert!(matches!(
            Naming::from_options(Some("a:b"), None).unwrap(),
            Naming::Rules(_)
        ));
        assert!(err(Naming::from_options(Some("a:b"), Some("_x"))).contains("not both"));
    }

    #[test]
    fn collisions() {
        let sources = pairs(&[("db1", "x"), ("db2", "x"), ("default", "y")]);
        Naming::Same.check_collisions(&sources).unwrap();
        Naming::suffix("_r")
            .unwrap()
            .check_collisions(&sources)
            .unwrap();

        // Two databases merged into one.
        let n = Naming::Rules(Renames::parse("db1.*:c.*,db2.*:c.*").unwrap());
        let m = err(n.check_collisions(&sources));
        assert_eq!(
            m,
            "db1.x and db2.x would both be restored as c.x: change the rename rules or the suffix"
        );
        // A rule onto a name another collection keeps.
        let n = Naming::Rules(Renames::parse("db1.x:default.y").unwrap());
        let m = err(n.check_collisions(&sources));
        assert!(
            m.contains("db1.x and default.y would both be restored as default.y"),
            "{m}"
        );
        // An exact rule and a database rule meeting.
        let n = Naming::Rules(Renames::parse("db1.*:db2.*").unwrap());
        assert!(err(n.check_collisions(&sources)).contains("would both be restored as db2.x"));
        // Resolved by an exact rule.
        let n = Naming::Rules(Renames::parse("db1.*:db2.*,db1.x:db2.x1").unwrap());
        n.check_collisions(&sources).unwrap();
        // A repeated source is not a collision with itself.
        Naming::Same
            .check_collisions(&pairs(&[("d", "a"), ("d", "a")]))
            .unwrap();
        // A suffix that makes a name too long.
        let long = pairs(&[("default", &"c".repeat(250))]);
        let m = err(Naming::suffix("_restored").unwrap().check_collisions(&long));
        assert!(
            m.contains("cannot be restored as") && m.contains("259 characters"),
            "{m}"
        );
    }
}
