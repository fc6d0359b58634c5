//! The UI loop: terminal keys and background results in, `update`, commands out, and a redraw
//! when something changed, at most about 15 times a second.

use super::action::Action;
use super::executor::Executor;
use super::keys::action_for_key;
use super::log_capture::LogRing;
use super::state::Model;
use super::terminal::Signal;
use super::update::update;
use super::view::view;
use milvus_backup_tui::names::default_backup_name;
use ratatui::DefaultTerminal;
use ratatui::crossterm::event::{self, Event, KeyEvent};
use std::collections::VecDeque;
use std::sync::mpsc::{Receiver, RecvTimeoutError, Sender};
use std::time::{Duration, Instant};

/// Shortest time between two frames (~15 fps).
const FRAME: Duration = Duration::from_millis(66);
/// How often job progress and log lines are collected (~10/s).
const TICK: Duration = Duration::from_millis(100);
/// How long quitting waits for cancelled jobs to end.
const QUIT_LIMIT: Duration = Duration::from_secs(20);

pub enum AppEvent {
    Key(KeyEvent),
    Resize,
    Action(Action),
    /// SIGTERM, SIGHUP or SIGINT: give the terminal back and stop.
    Signal(Signal),
}

/// Reads terminal events on a thread of its own (they block) and forwards them.
pub fn spawn_terminal_reader(tx: Sender<AppEvent>) {
    std::thread::spawn(move || {
        loop {
            let ev = match event::read() {
                Ok(Event::Key(k)) => AppEvent::Key(k),
                Ok(Event::Resize(..)) => AppEvent::Resize,
                Ok(_) => continue,
                Err(_) => break,
            };
            if tx.send(ev).is_err() {
                break;
            }
        }
    });
}

pub fn run(
    terminal: &mut DefaultTerminal,
    model: &mut Model,
    exec: &mut Executor,
    rx: &Receiver<AppEvent>,
    ring: &LogRing,
    first: Vec<super::command::Command>,
) -> std::io::Result<Option<Signal>> {
    let mut queue: VecDeque<Action> = VecDeque::new();
    for c in first {
        queue.extend(exec.run(c));
    }
    let mut dirty = true;
    let mut last_draw: Option<Instant> = None;
    let mut next_tick = Instant::now() + TICK;
    let mut quit_asked: Option<Instant> = None;
    loop {
        while let Some(a) = queue.pop_front() {
            for c in update(model, a) {
                queue.extend(exec.run(c));
            }
            dirty = true;
        }
        if model.should_exit {
            return Ok(None);
        }
        if model.quitting {
            let since = *quit_asked.get_or_insert_with(Instant::now);
            if since.elapsed() > QUIT_LIMIT {
                return Ok(None);
            }
        }
        let now = Instant::now();
        if dirty && last_draw.is_none_or(|t| now - t >= FRAME) {
            terminal.draw(|f| view(model, f))?;
            dirty = false;
            last_draw = Some(now);
        }
        let mut wait = next_tick.saturating_duration_since(now);
        if dirty && let Some(t) = last_draw {
            wait = wait.min((t + FRAME).saturating_duration_since(now));
        }
        match rx.recv_timeout(wait) {
            Ok(AppEvent::Key(k)) => {
                if let Some(a) =
                    action_for_key(model, k, || default_backup_name(chrono::Utc::now()))
                {
                    queue.push_back(a);
                }
            }
            Ok(AppEvent::Resize) => dirty = true,
            Ok(AppEvent::Action(a)) => queue.push_back(a),
            Ok(AppEvent::Signal(s)) => return Ok(Some(s)),
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => return Ok(None),
        }
        if Instant::now() >= next_tick {
            next_tick = Instant::now() + TICK;
            queue.extend(exec.poll_progress());
            let lines = ring.take_new();
            if !lines.is_empty() {
                queue.push_back(Action::Log(lines));
            }
        }
    }
}

/// After the terminal is given back: cancels the running jobs and lets them end (within
/// [`QUIT_LIMIT`]), updating the model as their results arrive, drawing nothing.
pub fn wind_down(model: &mut Model, exec: &mut Executor, rx: &Receiver<AppEvent>) {
    if model.jobs.running() == 0 {
        return;
    }
    let start = Instant::now();
    let mut queue: VecDeque<Action> = VecDeque::from([Action::Interrupt]);
    loop {
        while let Some(a) = queue.pop_front() {
            for c in update(model, a) {
                queue.extend(exec.run(c));
            }
        }
        if model.jobs.running() == 0 {
            return;
        }
        let Some(left) = QUIT_LIMIT.checked_sub(start.elapsed()) else {
            return;
        };
        match rx.recv_timeout(left.min(TICK)) {
            Ok(AppEvent::Action(a)) => queue.push_back(a),
            Ok(_) | Err(RecvTimeoutError::Timeout) => queue.extend(exec.poll_progress()),
            Err(RecvTimeoutError::Disconnected) => return,
        }
    }
}
