//! The Collections screen: a tree database → collection → partition, with multi-select.

use milvus_backup_tui::inventory::StorageSize;
use std::collections::BTreeSet;
use tui_input::Input;

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CollectionsData {
    pub dbs: Vec<DbNode>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct DbNode {
    pub name: String,
    pub collections: Vec<CollectionNode>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct CollectionNode {
    pub name: String,
    /// Milvus's id of the collection (its directories in the storage are named after it).
    pub id: i64,
    pub rows: i64,
    pub segments: usize,
    pub partitions: Vec<PartitionNode>,
    /// One line per index: `field: TYPE METRIC`.
    pub indexes: Vec<String>,
    pub load_state: String,
    pub aliases: Vec<String>,
    /// One line per field: `name TYPE [pk] [partition key]`.
    pub fields: Vec<String>,
    /// Its size in Milvus's storage, read in the background after the tree.
    pub storage: StorageState,
}

/// The size on storage of a collection, as far as it is known.
#[derive(Clone, Debug, Default, PartialEq)]
pub enum StorageState {
    /// Not read yet.
    #[default]
    Unknown,
    Known(StorageSize),
    /// The storage could not be read: why.
    Unreadable(String),
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct PartitionNode {
    pub name: String,
    pub id: i64,
    pub rows: i64,
    pub segments: usize,
}

/// One visible line of the tree, by indexes into the data.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TreeRow {
    Db(usize),
    Collection(usize, usize),
    Partition(usize, usize, usize),
}

/// A line of the tree by name, which survives a reload (indexes do not).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RowKey {
    Db(String),
    Collection(String, String),
    Partition(String, String, String),
}

#[derive(Default)]
pub struct CollectionsState {
    pub data: Option<CollectionsData>,
    pub loading: bool,
    pub cursor: usize,
    /// `db.collection` of expanded collections.
    pub expanded: BTreeSet<String>,
    /// `db.collection` of selected collections.
    pub selected: BTreeSet<String>,
    pub filter: Input,
    pub filtering: bool,
    pub show_schema: bool,
    /// Backup name → `db.collection` it takes, for backups started and not ended: the
    /// selection is cleared of them when the backup succeeds (kept when it fails).
    pub backing_up: std::collections::HashMap<String, Vec<String>>,
    /// `db.collection` that a restore of this session left incomplete (created, data not all
    /// imported: cancelled or failed), until a restore into it succeeds.
    pub incomplete: BTreeSet<String>,
    /// A poll of the load states of loading collections is under way.
    pub polling_load: bool,
}

/// The load state of a collection Milvus is loading (as `LoadState::as_str` says it).
const LOADING: &str = "loading";

pub fn qualified(db: &str, coll: &str) -> String {
    format!("{db}.{coll}")
}

impl CollectionsState {
    /// The lines of the tree as shown: filtered, partitions of expanded collections.
    pub fn rows(&self) -> Vec<TreeRow> {
        let mut out = Vec::new();
        let Some(data) = &self.data else {
            return out;
        };
        // Called several times a frame on trees of thousands: the filter is lowered once, and
        // names only when there is a filter.
        let f = self.filter.value().trim().to_lowercase();
        let matches = |name: &str| f.is_empty() || name.to_lowercase().contains(&f);
        for (d, db) in data.dbs.iter().enumerate() {
            let colls: Vec<usize> = db
                .collections
                .iter()
                .enumerate()
                .filter(|(_, c)| matches(&c.name))
                .map(|(i, _)| i)
                .collect();
            if colls.is_empty() && !f.is_empty() {
                continue;
            }
            out.push(TreeRow::Db(d));
            for c in colls {
                out.push(TreeRow::Collection(d, c));
                let coll = &db.collections[c];
                if !self.expanded.is_empty()
                    && self.expanded.contains(&qualified(&db.name, &coll.name))
                {
                    for p in 0..coll.partitions.len() {
                        out.push(TreeRow::Partition(d, c, p));
                    }
                }
            }
        }
        out
    }

    pub fn current_row(&self) -> Option<TreeRow> {
        self.rows().get(self.cursor).copied()
    }

    /// The collection under the cursor (or owning the partition under it).
    pub fn current_collection(&self) -> Option<(&DbNode, &CollectionNode)> {
        let data = self.data.as_ref()?;
        match self.current_row()? {
            TreeRow::Db(_) => None,
            TreeRow::Collection(d, c) | TreeRow::Partition(d, c, _) => {
                let db = data.dbs.get(d)?;
                Some((db, db.collections.get(c)?))
            }
        }
    }

    /// The line under the cursor, by name.
    pub fn current_key(&self) -> Option<RowKey> {
        self.key_of(self.current_row()?)
    }

    /// Replaces the tree with a fresh one, keeping the cursor on the same line by name: on its
    /// collection when the partition is gone, on its database when the collection is gone.
    pub fn replace_data(&mut self, data: CollectionsData) {
        let key = self.current_key();
        self.data = Some(data);
        let mut tries = vec![];
        match key {
            Some(RowKey::Partition(d, c, p)) => {
                tries.push(RowKey::Partition(d.clone(), c.clone(), p));
                tries.push(RowKey::Collection(d.clone(), c));
                tries.push(RowKey::Db(d));
            }
            Some(RowKey::Collection(d, c)) => {
                tries.push(RowKey::Collection(d.clone(), c));
                tries.push(RowKey::Db(d));
            }
            Some(RowKey::Db(d)) => tries.push(RowKey::Db(d)),
            None => {}
        }
        let rows = self.rows();
        let found = tries.iter().find_map(|k| {
            rows.iter()
                .position(|r| self.key_of(*r).as_ref() == Some(k))
        });
        if let Some(i) = found {
            self.cursor = i;
        }
        self.clamp_cursor();
    }

    fn key_of(&self, row: TreeRow) -> Option<RowKey> {
        let data = self.data.as_ref()?;
        Some(match row {
            TreeRow::Db(d) => RowKey::Db(data.dbs.get(d)?.name.clone()),
            TreeRow::Collection(d, c) => {
                let db = data.dbs.get(d)?;
                RowKey::Collection(db.name.clone(), db.collections.get(c)?.name.clone())
            }
            TreeRow::Partition(d, c, p) => {
                let db = data.dbs.get(d)?;
                let coll = db.collections.get(c)?;
                RowKey::Partition(
                    db.name.clone(),
                    coll.name.clone(),
                    coll.partitions.get(p)?.name.clone(),
                )
            }
        })
    }

    pub fn clamp_cursor(&mut self) {
        let n = self.rows().len();
        self.cursor = if n == 0 { 0 } else { self.cursor.min(n - 1) };
    }

    /// Every collection of the tree, with its database.
    fn all(&self) -> impl Iterator<Item = (&DbNode, &CollectionNode)> {
        self.data
            .iter()
            .flat_map(|d| d.dbs.iter())
            .flat_map(|db| db.collections.iter().map(move |c| (db, c)))
    }

    /// `db.collection` and id of every collection, for reading their sizes.
    pub fn ids(&self) -> Vec<(String, i64)> {
        self.all()
            .map(|(db, c)| (qualified(&db.name, &c.name), c.id))
            .collect()
    }

    /// Records the size of `collection` (if it is still the one with this id).
    pub fn set_storage(&mut self, collection: &str, id: i64, state: StorageState) {
        let Some(data) = &mut self.data else { return };
        for db in &mut data.dbs {
            for c in &mut db.collections {
                if c.id == id && qualified(&db.name, &c.name) == collection {
                    c.storage = state.clone();
                }
            }
        }
    }

    /// `(db, collection)` of the collections Milvus is loading now.
    pub fn loading_collections(&self) -> Vec<(String, String)> {
        self.all()
            .filter(|(_, c)| c.load_state == LOADING)
            .map(|(db, c)| (db.name.clone(), c.name.clone()))
            .collect()
    }

    /// Records load states read again.
    pub fn set_load_states(&mut self, states: &[(String, String, String)]) {
        let Some(data) = &mut self.data else { return };
        for (db_name, coll, state) in states {
            for db in data.dbs.iter_mut().filter(|d| &d.name == db_name) {
                for c in db.collections.iter_mut().filter(|c| &c.name == coll) {
                    c.load_state = state.clone();
                }
            }
        }
    }

    /// Notes which targets a restore left incomplete and which it restored.
    pub fn note_restore(&mut self, report: &milvus_backup_tui::restore::RestoreReport) {
        use milvus_backup_tui::restore::CollectionOutcome;
        for c in &report.collections {
            match c.outcome {
                CollectionOutcome::Restored => {
                    self.incomplete.remove(&c.target);
                }
                CollectionOutcome::Created | CollectionOutcome::Failed(_) => {
                    self.incomplete.insert(c.target.clone());
                }
                CollectionOutcome::NotStarted => {}
            }
        }
    }

    /// Selected collections that still exist, sorted.
    pub fn selected_existing(&self) -> Vec<String> {
        self.all()
            .map(|(db, c)| qualified(&db.name, &c.name))
            .filter(|q| self.selected.contains(q))
            .collect()
    }
}
