//! The Backups screen: the backups in the backup storage and the one under the cursor.

use milvus_backup_tui::catalog::BackupEntry;
use tui_input::Input;

/// The order of the Backups list (`o` cycles).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum BackupSort {
    /// Newest first; backups without a time (incomplete, unreadable) last.
    #[default]
    Newest,
    Name,
    /// Largest first.
    Size,
    /// Complete, incomplete, unreadable; newest first within each.
    State,
}

impl BackupSort {
    pub fn next(self) -> BackupSort {
        match self {
            BackupSort::Newest => BackupSort::Name,
            BackupSort::Name => BackupSort::Size,
            BackupSort::Size => BackupSort::State,
            BackupSort::State => BackupSort::Newest,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            BackupSort::Newest => "newest first",
            BackupSort::Name => "by name",
            BackupSort::Size => "largest first",
            BackupSort::State => "by state",
        }
    }
}

#[derive(Default)]
pub struct BackupsState {
    pub entries: Option<Vec<BackupEntry>>,
    pub loading: bool,
    pub cursor: usize,
    pub filter: Input,
    pub filtering: bool,
    pub sort: BackupSort,
    /// When the list was read (ms since the epoch): the ages are counted to then.
    pub listed_at_ms: u64,
}

fn time_of(e: &BackupEntry) -> u64 {
    e.info.as_ref().map_or(0, |i| i.backup_timestamp)
}

fn size_of(e: &BackupEntry) -> i64 {
    e.info.as_ref().map_or(-1, |i| i.size)
}

fn state_rank(e: &BackupEntry) -> u8 {
    match e.state() {
        "complete" => 0,
        "incomplete" => 1,
        _ => 2,
    }
}

impl BackupsState {
    /// Indexes of the entries the filter lets through, in the chosen order.
    pub fn visible(&self) -> Vec<usize> {
        let f = self.filter.value().trim().to_lowercase();
        let entries = self.entries.as_deref().unwrap_or_default();
        let mut out: Vec<usize> = entries
            .iter()
            .enumerate()
            .filter(|(_, e)| f.is_empty() || e.name.to_lowercase().contains(&f))
            .map(|(i, _)| i)
            .collect();
        let newest = |a: &BackupEntry, b: &BackupEntry| {
            time_of(b)
                .cmp(&time_of(a))
                .then_with(|| a.name.cmp(&b.name))
        };
        out.sort_by(|&i, &j| {
            let (a, b) = (&entries[i], &entries[j]);
            match self.sort {
                BackupSort::Newest => newest(a, b),
                BackupSort::Name => a.name.cmp(&b.name),
                BackupSort::Size => size_of(b).cmp(&size_of(a)).then_with(|| newest(a, b)),
                BackupSort::State => state_rank(a).cmp(&state_rank(b)).then_with(|| newest(a, b)),
            }
        });
        out
    }

    /// The next order; the cursor stays on its backup.
    pub fn cycle_sort(&mut self) {
        let name = self.current().map(|e| e.name.clone());
        self.sort = self.sort.next();
        self.cursor_to(name);
    }

    /// Puts the cursor on the backup `name` if it is shown (else keeps it in range).
    fn cursor_to(&mut self, name: Option<String>) {
        if let Some(name) = name {
            let visible = self.visible();
            let entries = self.entries.as_deref().unwrap_or_default();
            if let Some(i) = visible
                .iter()
                .position(|&i| entries.get(i).is_some_and(|e| e.name == name))
            {
                self.cursor = i;
            }
        }
        self.clamp_cursor();
    }

    pub fn current(&self) -> Option<&BackupEntry> {
        let i = *self.visible().get(self.cursor)?;
        self.entries.as_ref()?.get(i)
    }

    /// Replaces the list with a fresh one (read at `listed_at_ms`), keeping the cursor on the
    /// same backup by name.
    pub fn replace_entries(&mut self, entries: Vec<BackupEntry>, listed_at_ms: u64) {
        let name = self.current().map(|e| e.name.clone());
        self.entries = Some(entries);
        self.listed_at_ms = listed_at_ms;
        self.cursor_to(name);
    }

    pub fn clamp_cursor(&mut self) {
        let n = self.visible().len();
        self.cursor = if n == 0 { 0 } else { self.cursor.min(n - 1) };
    }
}
