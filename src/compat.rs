//! Which Milvus versions a backup can be restored into. The matrix is data
//! (`assets/compat.toml`, embedded at build time); this module reads it and answers for full
//! version strings as servers report them (`v2.3.5-lite`, `2.2.16`, `v2.4.0-rc.1`).

use crate::{Error, Result};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

const ASSET: &str = include_str!("../assets/compat.toml");

/// What is known about restoring from one version into another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Expected to work and proven by this project's tests.
    Supported,
    /// Expected to work, not proven: a restore goes ahead with a warning.
    Untested,
    /// Known not to work: a restore stops before touching the target.
    Refused,
    /// A version the matrix does not know (never in the asset).
    Unknown,
}

/// One cell of the matrix. `from` and `to` are major.minor (`2.3`) when the version is in the
/// matrix, else the version string as given.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cell {
    pub from: String,
    pub to: String,
    pub verdict: Verdict,
    pub reason: String,
    /// The test that proves the pair, if any.
    pub proven_by: Option<String>,
}

/// The compatibility matrix.
#[derive(Debug, Clone, Serialize)]
pub struct Matrix {
    versions: Vec<String>,
    note: String,
    cells: Vec<Cell>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatrix {
    versions: Vec<String>,
    #[serde(default)]
    note: String,
    #[serde(default)]
    pair: Vec<RawPair>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPair {
    from: String,
    to: String,
    verdict: Verdict,
    reason: String,
    #[serde(default)]
    proven_by: String,
}

impl Matrix {
    /// The embedded matrix. Panics only if the asset shipped in the binary is malformed, which a
    /// unit test rules out.
    pub fn load() -> Matrix {
        match Matrix::parse(ASSET) {
            Ok(m) => m,
            Err(e) => panic!("assets/compat.toml is malformed: {e}"),
        }
    }

    /// Parse and check a matrix: known versions only, every pair exactly once, a reason for each.
    fn parse(text: &str) -> std::result::Result<Matrix, String> {
        let raw: RawMatrix = toml::from_str(text).map_err(|e| e.to_string())?;
        if raw.versions.is_empty() {
            return Err("no versions".into());
        }
        let mut versions = BTreeSet::new();
        for v in &raw.versions {
            match major_minor(v) {
                Some((ma, mi)) if format!("{ma}.{mi}") == *v => {}
                _ => return Err(format!("version '{v}' is not of the form MAJOR.MINOR")),
            }
            if !versions.insert(v.as_str()) {
                return Err(format!("version '{v}' is listed twice"));
            }
        }
        let mut seen = BTreeSet::new();
        let mut cells = Vec::with_capacity(raw.pair.len());
        for p in raw.pair {
            let pair = format!("{} -> {}", p.from, p.to);
            for v in [&p.from, &p.to] {
                if !versions.contains(v.as_str()) {
                    return Err(format!("{pair}: '{v}' is not in versions"));
                }
            }
            if !seen.insert((p.from.clone(), p.to.clone())) {
                return Err(format!("{pair} is listed twice"));
            }
            if p.verdict == Verdict::Unknown {
                return Err(format!("{pair}: verdict \"unknown\" is not for the matrix"));
            }
            if p.reason.trim().is_empty() {
                return Err(format!("{pair} has no reason"));
            }
            let proven_by = Some(p.proven_by.trim().to_string()).filter(|s| !s.is_empty());
            if p.verdict == Verdict::Supported && proven_by.is_none() {
                return Err(format!(
                    "{pair} is supported but names no test in proven_by"
                ));
            }
            cells.push(Cell {
                from: p.from,
                to: p.to,
                verdict: p.verdict,
                reason: p.reason.trim().to_string(),
                proven_by,
            });
        }
        for from in &raw.versions {
            for to in &raw.versions {
                if !seen.contains(&(from.clone(), to.clone())) {
                    return Err(format!("{from} -> {to} is missing"));
                }
            }
        }
        Ok(Matrix {
            versions: raw.versions,
            note: raw.note.trim().to_string(),
            cells,
        })
    }

    /// The major.minor versions of the matrix, oldest first as listed.
    pub fn versions(&self) -> &[String] {
        &self.versions
    }

    /// A sentence about the matrix as a whole.
    pub fn note(&self) -> &str {
        &self.note
    }

    /// Every cell, in the order of the asset.
    pub fn cells(&self) -> &[Cell] {
        &self.cells
    }

    /// The verdict for restoring a backup taken from a server of version `from` into one of
    /// version `to`. Versions may be full strings (`v2.3.5-lite`); a version outside the matrix
    /// gives [`Verdict::Unknown`] with a reason saying so.
    pub fn verdict(&self, from: &str, to: &str) -> Cell {
        let known = |v: &str| {
            major_minor(v)
                .map(|(ma, mi)| format!("{ma}.{mi}"))
                .filter(|mm| self.versions.contains(mm))
        };
        match (known(from), known(to)) {
            (Some(f), Some(t)) => self
                .cells
                .iter()
                .find(|c| c.from == f && c.to == t)
                .cloned()
                .unwrap_or_else(|| unknown(f, t, "the pair is missing from the matrix".into())),
            (f, t) => {
                let bad: Vec<String> = [(from, &f), (to, &t)]
                    .into_iter()
                    .filter(|(_, mm)| mm.is_none())
                    .map(|(v, _)| self.describe_unknown(v))
                    .collect();
                unknown(
                    f.unwrap_or_else(|| from.to_string()),
                    t.unwrap_or_else(|| to.to_string()),
                    format!(
                        "{}; nothing is known about this pair, so the restore is at your own risk",
                        bad.join("; ")
                    ),
                )
            }
        }
    }

    /// Like [`Matrix::verdict`], but a refused pair is an [`Error::Incompatible`] naming the
    /// versions as given. Supported, untested and unknown pairs are returned for the caller to
    /// report.
    pub fn check(&self, from: &str, to: &str) -> Result<Cell> {
        let cell = self.verdict(from, to);
        if cell.verdict == Verdict::Refused {
            return Err(Error::Incompatible {
                from: from.to_string(),
                to: to.to_string(),
                reason: cell.reason,
            });
        }
        Ok(cell)
    }

    fn describe_unknown(&self, v: &str) -> String {
        match major_minor(v) {
            Some((ma, mi)) => format!(
                "Milvus {ma}.{mi} (from '{v}') is not in the compatibility matrix (known: {})",
                self.versions.join(", ")
            ),
            None => format!("cannot tell the Milvus version from '{v}'"),
        }
    }
}

fn unknown(from: String, to: String, reason: String) -> Cell {
    Cell {
        from,
        to,
        verdict: Verdict::Unknown,
        reason,
        proven_by: None,
    }
}

/// Major and minor of a version string as Milvus reports it: an optional `v`, then
/// `MAJOR.MINOR`, then anything (`.PATCH`, `-lite`, `-rc.1`, `+build`). `None` if there is no
/// `MAJOR.MINOR` at the start.
pub fn major_minor(version: &str) -> Option<(u32, u32)> {
    let v = version.trim();
    let v = v
        .strip_prefix('v')
        .or_else(|| v.strip_prefix('V'))
        .unwrap_or(v);
    let (major, rest) = split_number(v)?;
    let rest = rest.strip_prefix('.')?;
    let (minor, rest) = split_number(rest)?;
    // After MAJOR.MINOR comes the end or a separator, never more digits or letters.
    match rest.chars().next() {
        None | Some('.' | '-' | '+' | '_' | ' ') => Some((major, minor)),
        _ => None,
    }
}

/// A leading decimal number and what follows it.
fn split_number(s: &str) -> Option<(u32, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_matrix_loads() {
        let m = Matrix::load();
        assert_eq!(m.versions(), ["2.2", "2.3", "2.4", "2.5"]);
        assert!(m.note().contains("2.4"));
    }

    #[test]
    fn matrix_is_square_and_in_range() {
        let m = Matrix::load();
        let n = m.versions().len();
        assert_eq!(m.cells().len(), n * n);
        for c in m.cells() {
            assert!(m.versions().contains(&c.from), "{c:?}");
            assert!(m.versions().contains(&c.to), "{c:?}");
            assert_ne!(c.verdict, Verdict::Unknown);
            assert!(!c.reason.is_empty());
        }
        for from in m.versions() {
            for to in m.versions() {
                let c = m.verdict(from, to);
                assert_eq!((&c.from, &c.to), (from, to));
                assert_ne!(c.verdict, Verdict::Unknown, "{from} -> {to}");
            }
        }
    }

    #[test]
    fn older_targets_are_refused_newer_are_not() {
        let m = Matrix::load();
        for from in m.versions() {
            for to in m.versions() {
                let older = major_minor(to) < major_minor(from);
                let c = m.verdict(from, to);
                assert_eq!(c.verdict == Verdict::Refused, older, "{from} -> {to}");
                if c.verdict == Verdict::Supported {
                    assert!(c.proven_by.is_some(), "{from} -> {to}");
                }
            }
        }
    }

    #[test]
    fn declared_cells() {
        let m = Matrix::load();
        // (from, to, verdict, proven_by)
        let cases = [
            ("2.2", "2.2", Verdict::Supported, Some("e2e_2216_roundtrip")),
            ("2.2", "2.3", Verdict::Supported, Some("e2e_2216_to_235")),
            (
                "2.3",
                "2.3",
                Verdict::Supported,
                Some("e2e_local_roundtrip"),
            ),
            ("2.3", "2.4", Verdict::Untested, None),
            ("2.2", "2.5", Verdict::Untested, None),
            ("2.4", "2.4", Verdict::Untested, None),
            ("2.5", "2.5", Verdict::Untested, None),
            ("2.3", "2.2", Verdict::Refused, None),
            ("2.5", "2.4", Verdict::Refused, None),
        ];
        for (from, to, verdict, proven) in cases {
            let c = m.verdict(from, to);
            assert_eq!(c.verdict, verdict, "{from} -> {to}");
            assert_eq!(c.proven_by.as_deref(), proven, "{from} -> {to}");
        }
    }

    #[test]
    fn parses_versions() {
        let cases: &[(&str, Option<(u32, u32)>)] = &[
            ("2.3", Some((2, 3))),
            ("v2.3.5-lite", Some((2, 3))),
            ("2.2.16", Some((2, 2))),
            ("v2.4.0-rc.1", Some((2, 4))),
            ("V2.5.1", Some((2, 5))),
            (" v2.3.0 ", Some((2, 3))),
            ("2.10.1", Some((2, 10))),
            ("2.3+build7", Some((2, 3))),
            ("2", None),
            ("v2", None),
            ("2.", None),
            ("", None),
            ("master", None),
            ("2.3x", None),
            ("23", None),
            ("vv2.3", None),
            ("-2.3", None),
            ("99999999999.1", None),
        ];
        for (v, want) in cases {
            assert_eq!(major_minor(v), *want, "{v:?}");
        }
    }

    #[test]
    fn verdicts_for_full_versions() {
        let m = Matrix::load();
        let c = m.verdict("v2.3.5-lite", "2.3.9");
        assert_eq!((c.from.as_str(), c.to.as_str()), ("2.3", "2.3"));
        assert_eq!(c.verdict, Verdict::Supported);
        assert_eq!(m.verdict("2.2.16", "v2.3.5").verdict, Verdict::Supported);
        assert_eq!(
            m.verdict("2.2.16", "v2.4.0-rc.1").verdict,
            Verdict::Untested
        );
        assert_eq!(m.verdict("v2.4.0-rc.1", "v2.3.5").verdict, Verdict::Refused);

        let c = m.verdict("2.1.4", "2.3.5");
        assert_eq!(c.verdict, Verdict::Unknown);
        assert_eq!((c.from.as_str(), c.to.as_str()), ("2.1.4", "2.3"));
        assert!(
            c.reason.contains("Milvus 2.1 (from '2.1.4') is not in the compatibility matrix (known: 2.2, 2.3, 2.4, 2.5)"),
            "{}",
            c.reason
        );
        let c = m.verdict("2.3.5", "nightly");
        assert_eq!(c.verdict, Verdict::Unknown);
        assert!(
            c.reason
                .contains("cannot tell the Milvus version from 'nightly'"),
            "{}",
            c.reason
        );
        assert!(c.proven_by.is_none());
    }

    #[test]
    fn check_refuses_older_targets() {
        let m = Matrix::load();
        match m.check("v2.4.3", "v2.3.5") {
            Err(Error::Incompatible { from, to, reason }) => {
                assert_eq!((from.as_str(), to.as_str()), ("v2.4.3", "v2.3.5"));
                assert!(reason.contains("older"), "{reason}");
            }
            other => panic!("expected Incompatible, got {other:?}"),
        }
        let e = m.check("2.5.0", "2.2.16").unwrap_err().to_string();
        assert!(
            e.starts_with("restore from Milvus 2.5.0 into 2.2.16 is not supported: "),
            "{e}"
        );
        assert_eq!(
            m.check("2.3.5", "2.3.5").unwrap().verdict,
            Verdict::Supported
        );
        assert_eq!(
            m.check("2.3.5", "2.5.0").unwrap().verdict,
            Verdict::Untested
        );
        assert_eq!(m.check("1.1", "2.3").unwrap().verdict, Verdict::Unknown);
    }

    #[test]
    fn serializes_for_json() {
        let m = Matrix::load();
        let j = serde_json::to_value(m.verdict("2.3", "2.2")).unwrap();
        assert_eq!(j["verdict"], "refused");
        assert_eq!(j["from"], "2.3");
        assert!(j["proven_by"].is_null());
        let j = serde_json::to_value(&m).unwrap();
        assert_eq!(j["versions"].as_array().unwrap().len(), 4);
        assert_eq!(j["cells"].as_array().unwrap().len(), 16);
        assert_eq!(serde_json::to_value(Verdict::Unknown).unwrap(), "unknown");
    }

    #[test]
    fn malformed_matrices_are_rejected() {
        let ok_pair = |f: &str, t: &str| {
            format!(
                "[[pair]]\nfrom = \"{f}\"\nto = \"{t}\"\nverdict = \"untested\"\nreason = \"r\"\n"
            )
        };
        let one = format!("versions = [\"2.2\"]\n{}", ok_pair("2.2", "2.2"));
        Matrix::parse(&one).unwrap();
        let cases: Vec<(String, &str)> = vec![
            ("versions = []\n".into(), "no versions"),
            ("versions = [\"2.2\"]\n".into(), "2.2 -> 2.2 is missing"),
            (
                "versions = [\"2.2.1\"]\n".into(),
                "not of the form MAJOR.MINOR",
            ),
            ("versions = [\"2.2\", \"2.2\"]\n".into(), "listed twice"),
            (
                format!("{one}{}", ok_pair("2.2", "2.2")),
                "2.2 -> 2.2 is listed twice",
            ),
            (
                format!("{one}{}", ok_pair("2.2", "2.9")),
                "'2.9' is not in versions",
            ),
            (one.replace("untested", "unknown"), "not for the matrix"),
            (one.replace("untested", "supported"), "names no test"),
            (
                one.replace("reason = \"r\"", "reason = \" \""),
                "has no reason",
            ),
            (one.replace("untested", "maybe"), "unknown variant"),
            (format!("{one}extra = 1\n"), "unknown field"),
        ];
        for (text, want) in cases {
            let e = Matrix::parse(&text).unwrap_err();
            assert!(e.contains(want), "{text:?}: {e:?} lacks {want:?}");
        }
    }
}
