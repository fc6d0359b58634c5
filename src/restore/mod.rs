//! Restoring a backup into a Milvus: plan first (nothing changes), then run the plan.

mod plan;
mod run;
mod stage;

pub use plan::{PlannedCollection, RestoreOptions, RestorePlan, plan_restore};
pub use run::{CollectionOutcome, CollectionReport, RestoreReport, run_restore};
