//! Names: of backups (chosen by this tool) and of Milvus objects (collections, databases,
//! partitions, aliases), checked before anything is sent so that a bad name fails early with a
//! message that says what is wrong and what the rule is.

use crate::{Error, Result};
use chrono::{DateTime, Utc};

/// The longest backup name.
pub const MAX_BACKUP_NAME_LEN: usize = 128;
/// The longest collection, database, partition or alias name Milvus accepts by default
/// (`proxy.maxNameLength`).
pub const MAX_OBJECT_NAME_LEN: usize = 255;

/// Check a backup name: ASCII letters, digits and `_`, starting with a letter or `_`, 1 to 128
/// characters. A backup name is a folder name in the backup storage, so nothing else is allowed.
pub fn validate_backup_name(name: &str) -> Result<()> {
    check(
        "backup name",
        name,
        MAX_BACKUP_NAME_LEN,
        &format!(
            "use letters, digits and _ only, starting with a letter or _, at most {MAX_BACKUP_NAME_LEN} characters"
        ),
    )
}

/// The name a backup gets when none is given: `backup_YYYY_MM_DD_hh_mm_ss_<nanoseconds>` (UTC).
pub fn default_backup_name(now: DateTime<Utc>) -> String {
    format!(
        "backup_{}_{}",
        now.format("%Y_%m_%d_%H_%M_%S"),
        now.timestamp_subsec_nanos()
    )
}

/// Check the name of a Milvus object as Milvus 2.3 and later accept it: ASCII letters, digits and
/// `_`, starting with a letter or `_`, at most 255 characters. `kind` names the object in the
/// message ("collection", "database", "partition", "alias").
///
/// (Milvus 2.2 also allowed `$` after the first character; 2.3 dropped it, and this tool only
/// creates names every supported target accepts.)
pub fn validate_object_name(kind: &str, name: &str) -> Result<()> {
    check(
        &format!("{kind} name"),
        name,
        MAX_OBJECT_NAME_LEN,
        &format!(
            "Milvus {kind} names use letters, digits and _ only, start with a letter or _, and have at most {MAX_OBJECT_NAME_LEN} characters"
        ),
    )
}

/// The common rule, with `what` ("backup name") and `rule` (the sentence to show) for messages.
fn check(what: &str, name: &str, max: usize, rule: &str) -> Result<()> {
    let problem = if name.is_empty() {
        Some(format!("{what} is empty"))
    } else if let Some(bad) = name
        .chars()
        .find(|c| !(c.is_ascii_alphanumeric() || *c == '_'))
    {
        let what_char = match bad {
            ' ' => "a space".to_string(),
            c if c.is_control() => format!("the control character {:?}", c),
            c if !c.is_ascii() => format!("'{c}' (only ASCII is allowed)"),
            c => format!("'{c}'"),
        };
        Some(format!("{what} {} contains {what_char}", shown(name)))
    } else if name.starts_with(|c: char| c.is_ascii_digit()) {
        Some(format!("{what} {} starts with a digit", shown(name)))
    } else if name.len() > max {
        Some(format!(
            "{what} {} is {} characters long",
            shown(name),
            name.len()
        ))
    } else {
        None
    };
    match problem {
        None => Ok(()),
        Some(p) => Err(Error::Invalid(format!("{p}: {rule}"))),
    }
}

/// A name quoted for a message: control characters escaped, long names shortened.
fn shown(name: &str) -> String {
    const KEEP: usize = 40;
    let escaped: String = name.escape_debug().collect();
    if escaped.chars().count() > KEEP + 10 {
        let head: String = escaped.chars().take(KEEP).collect();
        format!("'{head}…'")
    } else {
        format!("'{escaped}'")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn message(r: Result<()>) -> String {
        match r {
            Ok(()) => panic!("expected an error"),
            Err(Error::Invalid(m)) => m,
            Err(e) => panic!("expected Error::Invalid, got {e:?}"),
        }
    }

    #[test]
    fn backup_names() {
        let ok = [
            "a",
            "_",
            "_a1",
            "backup_2024_01_02",
            "B",
            "x9_Z",
            &"a".repeat(128),
        ];
        for n in ok {
            validate_backup_name(n).unwrap_or_else(|e| panic!("{n}: {e}"));
        }
        let bad: &[(&str, &str)] = &[
            ("", "backup name is empty"),
            ("a/b", "backup name 'a/b' contains '/'"),
            ("a b", "contains a space"),
            ("a-b", "contains '-'"),
            ("a.b", "contains '.'"),
            ("..", "contains '.'"),
            ("1abc", "backup name '1abc' starts with a digit"),
            ("café", "contains 'é' (only ASCII is allowed)"),
            ("a\nb", "'a\\nb' contains the control character '\\n'"),
            ("a$b", "contains '$'"),
        ];
        for (n, want) in bad {
            let m = message(validate_backup_name(n));
            assert!(m.contains(want), "{n:?}: {m:?} lacks {want:?}");
            assert!(
                m.ends_with(
                    "use letters, digits and _ only, starting with a letter or _, at most 128 characters"
                ),
                "{m}"
            );
        }
        let long = "a".repeat(129);
        let m = message(validate_backup_name(&long));
        assert!(m.contains("is 129 characters long"), "{m}");
        assert!(m.contains('…') && m.len() < 200, "{m}");
    }

    #[test]
    fn default_names_are_valid_and_ordered() {
        let t = Utc
            .with_ymd_and_hms(2024, 3, 5, 7, 8, 9)
            .unwrap()
            .with_nanosecond(123_456_789)
            .unwrap();
        assert_eq!(
            default_backup_name(t),
            "backup_2024_03_05_07_08_09_123456789"
        );
        let zero = Utc.with_ymd_and_hms(2024, 12, 31, 23, 59, 59).unwrap();
        assert_eq!(default_backup_name(zero), "backup_2024_12_31_23_59_59_0");
        validate_backup_name(&default_backup_name(t)).unwrap();
        validate_backup_name(&default_backup_name(Utc::now())).unwrap();
    }

    use chrono::Timelike;

    #[test]
    fn object_names() {
        for (kind, n) in [
            ("collection", "c"),
            ("collection", "_c"),
            ("collection", "Coll_1"),
            ("database", "default"),
            ("partition", "_default"),
            ("alias", "a1"),
        ] {
            validate_object_name(kind, n).unwrap_or_else(|e| panic!("{n}: {e}"));
        }
        validate_object_name("collection", &"c".repeat(255)).unwrap();
        let bad: &[(&str, &str, &str)] = &[
            ("collection", "", "collection name is empty"),
            ("database", "my-db", "database name 'my-db' contains '-'"),
            (
                "collection",
                "9lives",
                "collection name '9lives' starts with a digit",
            ),
            ("partition", "p$1", "contains '$'"),
            ("alias", "a.b", "alias name 'a.b' contains '.'"),
            ("collection", "ü", "only ASCII"),
        ];
        for (kind, n, want) in bad {
            let m = message(validate_object_name(kind, n));
            assert!(m.contains(want), "{n:?}: {m:?} lacks {want:?}");
            assert!(
                m.contains(&format!(
                    "Milvus {kind} names use letters, digits and _ only, start with a letter or _, and have at most 255 characters"
                )),
                "{m}"
            );
        }
        let m = message(validate_object_name("collection", &"c".repeat(256)));
        assert!(m.contains("is 256 characters long"), "{m}");
    }
}
