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

    pub fn clamp_cursor(&mut self) {
        let n = self.visible().len();
        self.cursor = if n == 0 { 0 } else { self.cursor.min(n - 1) };
    }
}
