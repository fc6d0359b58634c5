//! Restoring a backup into a Milvus: plan first (nothing changes), then run the plan.

mod plan;
mod run;
mod stage;

pub use plan::{
    CheckedBackup, PlannedCollection, RestoreOptions, RestorePlan, check_backup, plan_restore,
    plan_restore_checked,
};
pub use run::{CollectionOutcome, CollectionReport, RestoreReport, run_restore};
