//! Terminal keys → [`Action`]s, according to what is in front (a text field takes letters).

use super::action::Action;
use super::state::{Dialog, Model, Screen, WizardStep};
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use tui_input::InputRequest;

/// What kind of keys the model expects now.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    Normal,
    Text,
    Confirm,
}

fn mode(m: &Model) -> Mode {
    match &m.dialog {
        Some(Dialog::BackUp(_)) => Mode::Text,
        Some(Dialog::ConfirmDelete { .. })
        | Some(Dialog::ConfirmCancel { .. })
        | Some(Dialog::ConfirmQuit { .. }) => Mode::Confirm,
        Some(Dialog::Restore(w)) if w.step == WizardStep::Naming && w.naming_input().is_some() => {
            Mode::Text
        }
        Some(Dialog::Restore(w)) if w.confirm.is_some() => Mode::Text,
        Some(Dialog::Restore(w)) if w.leaving => Mode::Confirm,
        Some(_) => Mode::Normal,
        None => match m.screen {
            Screen::Collections if m.collections.filtering => Mode::Text,
            Screen::Backups if m.backups.filtering => Mode::Text,
            _ => Mode::Normal,
        },
    }
}

/// The action for a key press, if the key means anything here. `default_name` is called only
/// when the back-up dialog opens (it reads the clock).
pub fn action_for_key(
    m: &Model,
    key: KeyEvent,
    default_name: impl FnOnce() -> String,
) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    if ctrl && matches!(key.code, KeyCode::Char('c')) {
        return Some(Action::Interrupt);
    }
    match mode(m) {
        Mode::Text => text_key(key, ctrl),
        Mode::Confirm => match key.code {
            KeyCode::Char('y' | 'Y') => Some(Action::Confirm(true)),
            KeyCode::Char('n' | 'N') | KeyCode::Esc => Some(Action::Confirm(false)),
            _ => None,
        },
        Mode::Normal => normal_key(m, key, default_name),
    }
}

fn text_key(key: KeyEvent, ctrl: bool) -> Option<Action> {
    let edit = |r| Some(Action::Edit(r));
    match key.code {
        KeyCode::Enter => Some(Action::Enter),
        KeyCode::Esc => Some(Action::Back),
        KeyCode::Tab => Some(Action::FocusNext),
        KeyCode::BackTab => Some(Action::FocusPrev),
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        KeyCode::Left => edit(InputRequest::GoToPrevChar),
        KeyCode::Right => edit(InputRequest::GoToNextChar),
        KeyCode::Home => edit(InputRequest::GoToStart),
        KeyCode::End => edit(InputRequest::GoToEnd),
        KeyCode::Backspace => edit(InputRequest::DeletePrevChar),
        KeyCode::Delete => edit(InputRequest::DeleteNextChar),
        KeyCode::Char('u') if ctrl => edit(InputRequest::DeleteLine),
        KeyCode::Char('w') if ctrl => edit(InputRequest::DeletePrevWord),
        KeyCode::Char(c) if !ctrl => edit(InputRequest::InsertChar(c)),
        _ => None,
    }
}

fn normal_key(m: &Model, key: KeyEvent, default_name: impl FnOnce() -> String) -> Option<Action> {
    Some(match key.code {
        KeyCode::Up | KeyCode::Char('k') => Action::Up,
        KeyCode::Down | KeyCode::Char('j') => Action::Down,
        KeyCode::Left | KeyCode::Char('h') => Action::Left,
        KeyCode::Right | KeyCode::Char('l') if m.screen != Screen::Log || m.dialog.is_some() => {
            Action::Right
        }
        KeyCode::Right => Action::Right,
        KeyCode::PageUp => Action::PageUp,
        KeyCode::PageDown => Action::PageDown,
        KeyCode::Home | KeyCode::Char('g') => Action::Home,
        KeyCode::End | KeyCode::Char('G') => Action::End,
        KeyCode::Enter => Action::Enter,
        KeyCode::Esc => Action::Back,
        KeyCode::Char(' ') => Action::Toggle,
        KeyCode::Tab => Action::FocusNext,
        KeyCode::BackTab => Action::FocusPrev,
        KeyCode::Char(']') if m.dialog.is_none() => Action::NextScreen,
        KeyCode::Char('[') if m.dialog.is_none() => Action::PrevScreen,
        KeyCode::Char('?') => Action::Help,
        KeyCode::Char('q') => Action::Quit,
        KeyCode::Char(c @ '1'..='5') if m.dialog.is_none() => {
            Action::GoTo(Screen::ALL[(c as u8 - b'1') as usize])
        }
        KeyCode::Char('b') if m.dialog.is_none() && m.screen == Screen::Collections => {
            Action::OpenBackupDialog {
                default_name: default_name(),
            }
        }
        KeyCode::Char(c) => Action::Key(c),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tui::fixtures;

    fn press(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    #[test]
    fn vim_keys_move_and_letters_edit_in_text_fields() {
        let mut m = fixtures::model();
        assert!(matches!(
            action_for_key(&m, press(KeyCode::Char('j')), String::new),
            Some(Action::Down)
        ));
        m.collections.filtering = true;
        assert!(matches!(
            action_for_key(&m, press(KeyCode::Char('j')), String::new),
            Some(Action::Edit(InputRequest::InsertChar('j')))
        ));
    }

    #[test]
    fn ctrl_c_interrupts_everywhere_and_b_offers_a_name() {
        let m = fixtures::model();
        let k = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert!(matches!(
            action_for_key(&m, k, String::new),
            Some(Action::Interrupt)
        ));
        match action_for_key(&m, press(KeyCode::Char('b')), || "n1".into()) {
            Some(Action::OpenBackupDialog { default_name }) => assert_eq!(default_name, "n1"),
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            action_for_key(&m, press(KeyCode::Char('3')), String::new),
            Some(Action::GoTo(Screen::Jobs))
        ));
    }

    #[test]
    fn tab_moves_between_panes_and_brackets_between_screens() {
        let mut m = fixtures::model();
        let key = |m: &Model, code| action_for_key(m, press(code), String::new);
        assert!(matches!(key(&m, KeyCode::Tab), Some(Action::FocusNext)));
        assert!(matches!(key(&m, KeyCode::BackTab), Some(Action::FocusPrev)));
        assert!(matches!(
            key(&m, KeyCode::Char(']')),
            Some(Action::NextScreen)
        ));
        assert!(matches!(
            key(&m, KeyCode::Char('[')),
            Some(Action::PrevScreen)
        ));
        // In a text field Tab still moves the focus, and brackets are typed.
        m.collections.filtering = true;
        assert!(matches!(key(&m, KeyCode::Tab), Some(Action::FocusNext)));
        assert!(matches!(
            key(&m, KeyCode::Char(']')),
            Some(Action::Edit(InputRequest::InsertChar(']')))
        ));
    }

    #[test]
    fn confirmations_take_y_and_n() {
        let mut m = fixtures::model();
        m.dialog = Some(Dialog::ConfirmDelete { name: "x".into() });
        assert!(matches!(
            action_for_key(&m, press(KeyCode::Char('y')), String::new),
            Some(Action::Confirm(true))
        ));
        assert!(matches!(
            action_for_key(&m, press(KeyCode::Esc), String::new),
            Some(Action::Confirm(false))
        ));
        assert!(action_for_key(&m, press(KeyCode::Char('j')), String::new).is_none());
    }
}
