//! Drawing: a pure function of the model.

mod backups;
mod chrome;
mod collections;
mod compat;
mod dialogs;
mod help;
mod jobs;
mod layout;
mod log;
mod wizard;

use super::state::{Dialog, Model, Screen};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout};

pub fn view(m: &Model, f: &mut Frame) {
    let banner_h = chrome::banner_height(m, f.area().width);
    let [header, tabs, banner, body, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Length(banner_h),
        Constraint::Min(3),
        Constraint::Length(1),
    ])
    .areas(f.area());
    chrome::header(m, f, header);
    chrome::tabs(m, f, tabs);
    chrome::banner(m, f, banner);
    match m.screen {
        Screen::Collections => collections::draw(m, f, body),
        Screen::Backups => backups::draw(m, f, body),
        Screen::Jobs => jobs::draw(m, f, body),
        Screen::Compat => compat::draw(m, f, body),
        Screen::Log => log::draw(m, f, body),
    }
    chrome::footer(m, f, footer);
    match &m.dialog {
        None => {}
        Some(Dialog::Help) => help::draw(m, f),
        Some(Dialog::Restore(w)) => wizard::draw(m, w, f),
        Some(d) => dialogs::draw(m, d, f),
    }
}
