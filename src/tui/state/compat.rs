//! The Compatibility screen: the matrix and a cursor over it.

use milvus_backup_tui::compat::{Cell, Matrix, major_minor};

pub struct CompatState {
    pub matrix: Matrix,
    /// Row (source version) and column (target version) of the cursor.
    pub row: usize,
    pub col: usize,
    /// The pair in focus (the selected backup's version → the cluster's), as indexes.
    pub focus: Option<(usize, usize)>,
}

impl CompatState {
    pub fn new() -> CompatState {
        CompatState {
            matrix: Matrix::load(),
            row: 0,
            col: 0,
            focus: None,
        }
    }

    /// The index of a version string in the matrix (`v2.3.5` → the `2.3` column).
    pub fn index_of(&self, version: &str) -> Option<usize> {
        let (ma, mi) = major_minor(version)?;
        let mm = format!("{ma}.{mi}");
        self.matrix.versions().iter().position(|v| *v == mm)
    }

    /// Focuses the pair `from` → `to` and moves the cursor there, when both are known.
    pub fn focus_pair(&mut self, from: Option<&str>, to: Option<&str>) {
        let f = from.and_then(|v| self.index_of(v));
        let t = to.and_then(|v| self.index_of(v));
        if let (Some(r), Some(c)) = (f, t) {
            self.focus = Some((r, c));
            self.row = r;
            self.col = c;
        } else {
            if let Some(r) = f {
                self.row = r;
            }
            if let Some(c) = t {
                self.col = c;
            }
        }
    }

    pub fn cell_at(&self, row: usize, col: usize) -> Option<Cell> {
        let v = self.matrix.versions();
        Some(self.matrix.verdict(v.get(row)?, v.get(col)?))
    }

    pub fn current(&self) -> Option<Cell> {
        self.cell_at(self.row, self.col)
    }
}
