//! Small layout helpers shared by the screens.

use ratatui::layout::Rect;
use ratatui::widgets::{Block, BorderType, Borders};

/// A rectangle of at most `w`×`h` centred in `area`.
pub fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// A bordered block with a title, in plain ASCII-safe lines.
pub fn block(title: &str) -> Block<'_> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(BorderType::Plain)
        .title(format!(" {title} "))
}

/// The block of one pane of a screen: double-lined, with its title between `>` `<`, when it has
/// the keyboard (Tab moves it), so the focus shows without colour.
pub fn pane(title: &str, focused: bool) -> Block<'_> {
    if focused {
        Block::default()
            .borders(Borders::ALL)
            .border_type(BorderType::Double)
            .title(format!(">{title}<"))
    } else {
        block(title)
    }
}

/// How far to scroll `lines` lines of text into a pane `height` rows high (the model's scroll
/// may run past the end: `End` asks for the last page).
pub fn clamp_scroll(scroll: u16, lines: usize, height: u16) -> u16 {
    let max = lines.saturating_sub(height.saturating_sub(2) as usize);
    scroll.min(max.min(u16::MAX as usize) as u16)
}

/// The rows of a list of `len` that a table `height` rows high (borders and header row
/// included) shows with the row `cursor` selected: as ratatui would scroll a fresh table (the
/// selected row at the bottom once it is past the first page). Only those rows are built, so a
/// frame costs the same with 10,000 rows as with 20.
pub fn window(len: usize, cursor: usize, height: u16) -> std::ops::Range<usize> {
    let page = (height.saturating_sub(3) as usize).max(1);
    let start = (cursor + 1).saturating_sub(page).min(len);
    start..(start + page).min(len)
}

/// Text cut to `width` characters, with `~` when cut.
pub fn cut(s: &str, width: usize) -> String {
    if s.chars().count() <= width {
        s.to_string()
    } else if width == 0 {
        String::new()
    } else {
        let mut t: String = s.chars().take(width - 1).collect();
        t.push('~');
        t
    }
}

/// Where the terminal cursor goes for a text field drawn, after `prefix` columns of label, on
/// line `line` of `lines` wrapped into `area`; `None` when that point is not on screen.
pub fn field_cursor(
    lines: &[ratatui::text::Line],
    line: usize,
    prefix: usize,
    input: &tui_input::Input,
    area: Rect,
) -> Option<ratatui::layout::Position> {
    use ratatui::widgets::{Paragraph, Wrap};
    let before = lines.get(..line)?.to_vec();
    let row = Paragraph::new(before)
        .wrap(Wrap { trim: false })
        .line_count(area.width);
    let col = (prefix + input.visual_cursor()).min(area.width.saturating_sub(1) as usize);
    let row = u16::try_from(row).ok().filter(|r| *r < area.height)?;
    Some(ratatui::layout::Position::new(
        area.x + col as u16,
        area.y + row,
    ))
}

/// Where the terminal cursor goes for a filter typed into a pane's title: the title is drawn
/// from the second column of the border, one mark (` ` or `>`) before it, and the filter's
/// text follows the `prefix` columns of title before it.
pub fn title_cursor(
    area: Rect,
    prefix: usize,
    input: &tui_input::Input,
) -> ratatui::layout::Position {
    let col = 2 + prefix + input.visual_cursor();
    let col = col.min(area.width.saturating_sub(2) as usize) as u16;
    ratatui::layout::Position::new(area.x + col, area.y)
}

#[cfg(test)]
mod tests {
    use super::window;

    #[test]
    fn the_window_follows_the_cursor_like_a_fresh_table() {
        // 10 rows shown in a table 13 high (2 borders, 1 header).
        assert_eq!(window(100, 0, 13), 0..10);
        assert_eq!(window(100, 9, 13), 0..10);
        assert_eq!(window(100, 10, 13), 1..11);
        assert_eq!(window(100, 99, 13), 90..100);
        assert_eq!(window(5, 4, 13), 0..5);
        assert_eq!(window(0, 0, 13), 0..0);
    }
}
