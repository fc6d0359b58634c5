//! The Backups screen: the backups in the backup storage and the one under the cursor.

use milvus_backup_tui::catalog::BackupEntry;
use tui_input::Input;

#[derive(Default)]
pub struct BackupsState {
    pub entries: Option<Vec<BackupEntry>>,
    pub loading: bool,
    pub cursor: usize,
    pub filter: Input,
    pub filtering: bool,
}

impl BackupsState {
    /// Indexes of the entries the filter lets through.
    pub fn visible(&self) -> Vec<usize> {
        let f = self.filter.value().trim().to_lowercase();
        self.entries
            .as_deref()
            .unwrap_or_default()
            .iter()
            .enumerate()
            .filter(|(_, e)| f.is_empty() || e.name.to_lowercase().contains(&f))
            .map(|(i, _)| i)
            .collect()
    }

    pub fn current(&self) -> Option<&BackupEntry> {
        let i = *self.visible().get(self.cursor)?;
        self.entries.as_ref()?.get(i)
    }

    /// Replaces the list with a fresh one, keeping the cursor on the same backup by name.
    pub fn replace_entries(&mut self, entries: Vec<BackupEntry>) {
        let name = self.current().map(|e| e.name.clone());
        self.entries = Some(entries);
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

    pub fn clamp_cursor(&mut self) {
        let n = self.visible().len();
        self.cursor = if n == 0 { 0 } else { self.cursor.min(n - 1) };
    }
}
