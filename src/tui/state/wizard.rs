//! The restore wizard: backup → collections → naming → target cluster → options → plan →
//! confirm. Nothing changes on any server before the confirmation on the plan page.

use super::ClusterChoice;
use crate::tui::command::{NamingChoice, RestoreSpec};
use milvus_backup_tui::filter::{Naming, Renames};
use milvus_backup_tui::names::validate_object_name;
use milvus_backup_tui::restore::RestorePlan;
use tui_input::Input;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WizardStep {
    Collections,
    Naming,
    Target,
    Options,
    Plan,
}

impl WizardStep {
    pub const ALL: [WizardStep; 5] = [
        WizardStep::Collections,
        WizardStep::Naming,
        WizardStep::Target,
        WizardStep::Options,
        WizardStep::Plan,
    ];

    pub fn title(self) -> &'static str {
        match self {
            WizardStep::Collections => "Collections",
            WizardStep::Naming => "Naming",
            WizardStep::Target => "Target",
            WizardStep::Options => "Options",
            WizardStep::Plan => "Plan",
        }
    }

    pub fn next(self) -> Option<WizardStep> {
        let i = WizardStep::ALL.iter().position(|s| *s == self)?;
        WizardStep::ALL.get(i + 1).copied()
    }

    pub fn prev(self) -> Option<WizardStep> {
        let i = WizardStep::ALL.iter().position(|s| *s == self)?;
        i.checked_sub(1).map(|i| WizardStep::ALL[i])
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NamingMode {
    Same,
    Suffix,
    Rules,
    TargetDb,
}

impl NamingMode {
    pub const ALL: [NamingMode; 4] = [
        NamingMode::Same,
        NamingMode::Suffix,
        NamingMode::Rules,
        NamingMode::TargetDb,
    ];

    pub fn label(self) -> &'static str {
        match self {
            NamingMode::Same => "keep the names",
            NamingMode::Suffix => "add a suffix",
            NamingMode::Rules => "rename rules (OLD:NEW,...)",
            NamingMode::TargetDb => "into another database",
        }
    }
}

#[derive(Clone, Debug)]
pub enum PlanView {
    NotAsked,
    Loading,
    Ready(Box<RestorePlan>),
    Failed(String),
}

/// An existing target collection the restore will drop, and what it holds now (`None`: could
/// not be read).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Doomed {
    pub target: String,
    pub rows: Option<i64>,
    pub bytes: Option<u64>,
}

pub struct Wizard {
    pub step: WizardStep,
    pub backup: String,
    pub backup_version: String,
    /// `db.collection` of every collection in the backup, and whether it is chosen.
    pub collections: Vec<(String, bool)>,
    pub cursor: usize,
    pub naming: NamingMode,
    pub suffix: Input,
    pub rules: Input,
    pub target_db: Input,
    pub clusters: Vec<ClusterChoice>,
    pub cluster: usize,
    pub drop_existing: bool,
    pub create_indexes: bool,
    pub load: bool,
    /// The option line under the cursor on the Options page.
    pub option_cursor: usize,
    pub plan: PlanView,
    /// How far the plan page is scrolled.
    pub plan_scroll: u16,
    /// What the ready plan's drop-existing would destroy.
    pub doomed: Vec<Doomed>,
    /// The typed confirmation of a destructive restore (the target's name), once asked for.
    pub confirm: Option<Input>,
    /// `q` asked to leave a wizard with choices made: waiting for y/n.
    pub leaving: bool,
}

impl Wizard {
    pub fn new(
        backup: String,
        backup_version: String,
        collections: Vec<String>,
        clusters: Vec<ClusterChoice>,
    ) -> Wizard {
        Wizard {
            step: WizardStep::Collections,
            backup,
            backup_version,
            collections: collections.into_iter().map(|c| (c, true)).collect(),
            cursor: 0,
            naming: NamingMode::Suffix,
            suffix: Input::new("_restored".into()),
            rules: Input::default(),
            target_db: Input::default(),
            clusters,
            cluster: 0,
            drop_existing: false,
            create_indexes: true,
            load: false,
            option_cursor: 0,
            plan: PlanView::NotAsked,
            plan_scroll: 0,
            doomed: vec![],
            confirm: None,
            leaving: false,
        }
    }

    /// The text field of the naming page, if the mode has one.
    pub fn naming_input(&self) -> Option<&Input> {
        match self.naming {
            NamingMode::Same => None,
            NamingMode::Suffix => Some(&self.suffix),
            NamingMode::Rules => Some(&self.rules),
            NamingMode::TargetDb => Some(&self.target_db),
        }
    }

    pub fn naming_input_mut(&mut self) -> Option<&mut Input> {
        match self.naming {
            NamingMode::Same => None,
            NamingMode::Suffix => Some(&mut self.suffix),
            NamingMode::Rules => Some(&mut self.rules),
            NamingMode::TargetDb => Some(&mut self.target_db),
        }
    }

    /// The naming as chosen, or what is wrong with it.
    pub fn naming_choice(&self) -> Result<NamingChoice, String> {
        match self.naming {
            NamingMode::Same => Ok(NamingChoice::Same),
            NamingMode::Suffix => {
                let s = self.suffix.value().trim().to_string();
                Naming::suffix(&s).map_err(|e| e.to_string())?;
                Ok(NamingChoice::Suffix(s))
            }
            NamingMode::Rules => {
                let r = self.rules.value().trim().to_string();
                Renames::parse(&r).map_err(|e| e.to_string())?;
                Ok(NamingChoice::Rules(r))
            }
            NamingMode::TargetDb => {
                let d = self.target_db.value().trim().to_string();
                validate_object_name("database", &d).map_err(|e| e.to_string())?;
                let mut dbs: Vec<&str> = self
                    .chosen_refs()
                    .filter_map(|q| q.split_once('.').map(|(db, _)| db))
                    .collect();
                dbs.sort();
                dbs.dedup();
                let rules: Vec<String> = dbs.iter().map(|db| format!("{db}.*:{d}.*")).collect();
                Ok(NamingChoice::Rules(rules.join(",")))
            }
        }
    }

    fn chosen_refs(&self) -> impl Iterator<Item = &str> {
        self.collections
            .iter()
            .filter(|(_, on)| *on)
            .map(|(c, _)| c.as_str())
    }

    pub fn chosen(&self) -> Vec<String> {
        self.collections
            .iter()
            .filter(|(_, on)| *on)
            .map(|(c, _)| c.clone())
            .collect()
    }

    /// What is wrong with the current page, if anything (the wizard does not go on until fixed).
    pub fn page_problem(&self) -> Option<String> {
        match self.step {
            WizardStep::Collections if self.chosen().is_empty() => {
                Some("choose at least one collection (Space)".into())
            }
            WizardStep::Naming => self.naming_choice().err(),
            WizardStep::Target if self.clusters.is_empty() => {
                Some("no cluster is configured".into())
            }
            WizardStep::Plan => self.conflicts().map(|c| {
                format!(
                    "{} target collection(s) exist: d drops them, Esc goes back to rename",
                    c.len()
                )
            }),
            _ => None,
        }
    }

    pub fn spec(&self) -> Result<RestoreSpec, String> {
        let all = self.collections.iter().all(|(_, on)| *on);
        Ok(RestoreSpec {
            backup: self.backup.clone(),
            collections: if all { vec![] } else { self.chosen() },
            naming: self.naming_choice()?,
            cluster: self.clusters.get(self.cluster).and_then(|c| c.name.clone()),
            drop_existing: self.drop_existing,
            create_indexes: self.create_indexes,
            load: self.load,
        })
    }

    /// The existing targets the ready plan lists, if there are any (the restore cannot start).
    pub fn conflicts(&self) -> Option<&[String]> {
        match &self.plan {
            PlanView::Ready(p) if !p.conflicts.is_empty() => Some(&p.conflicts),
            _ => None,
        }
    }

    /// Whether anything was chosen that leaving would lose: a collection left out, another
    /// naming or suffix, another cluster or option, or a step beyond the first.
    pub fn changed(&self) -> bool {
        let fresh = Wizard::new(String::new(), String::new(), vec![], vec![]);
        self.step != WizardStep::Collections
            || self.collections.iter().any(|(_, on)| !*on)
            || self.naming != fresh.naming
            || self.suffix.value() != fresh.suffix.value()
            || !self.rules.value().is_empty()
            || !self.target_db.value().is_empty()
            || self.cluster != fresh.cluster
            || self.drop_existing != fresh.drop_existing
            || self.create_indexes != fresh.create_indexes
            || self.load != fresh.load
    }

    /// Whether the ready plan drops existing collections.
    pub fn destroys(&self) -> bool {
        match &self.plan {
            PlanView::Ready(p) => self.drop_existing && p.collections.iter().any(|c| c.exists),
            _ => false,
        }
    }

    /// What must be typed to confirm a destructive restore: the target cluster's name, or its
    /// address for the top-level `[milvus]`.
    pub fn confirm_name(&self) -> String {
        self.clusters
            .get(self.cluster)
            .map(|c| c.name.clone().unwrap_or_else(|| c.address.clone()))
            .unwrap_or_default()
    }

    /// Whether the typed confirmation matches.
    pub fn confirmed(&self) -> bool {
        self.confirm
            .as_ref()
            .is_some_and(|i| i.value().trim() == self.confirm_name())
    }

    pub fn target_label(&self) -> String {
        self.clusters
            .get(self.cluster)
            .map(|c| c.label())
            .unwrap_or_else(|| "-".into())
    }
}
