//! Progress of the command line's long runs (batch receipts, look-ups,
//! imports, confirmations, seeding) on standard error.
//!
//! On a terminal: one bar redrawn in place (`\r`), at most ten times a
//! second, ended by a newline. Anywhere else (a pipe, a log file): whole
//! lines only, one each time another tenth of the run is done, so a log
//! reads `receipts 98/978` on its own line instead of one endless line of
//! carriage returns.

use std::io::{IsTerminal as _, Write as _};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How often a terminal's bar is redrawn at most.
const REDRAW: Duration = Duration::from_millis(100);
const BAR_WIDTH: u64 = 30;

/// One long run's progress.
#[derive(Debug)]
pub struct Progress {
    label: String,
    terminal: bool,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    drawn_at: Option<Instant>,
    /// On a terminal: whether a bar is on the line.
    drawn: bool,
    /// Piped: the last tenth printed.
    tenth: u64,
}

impl Progress {
    /// Progress to standard error, as a bar when it is a terminal.
    pub fn new(label: &str) -> Progress {
        Progress::with_terminal(label, std::io::stderr().is_terminal())
    }

    pub fn with_terminal(label: &str, terminal: bool) -> Progress {
        Progress {
            label: label.to_owned(),
            terminal,
            state: Mutex::new(State::default()),
        }
    }

    /// `done` of `total` are done.
    pub fn update(&self, done: u64, total: u64) {
        let text = self.render(done, total);
        if let Some(text) = text {
            let mut err = std::io::stderr().lock();
            let _ = err.write_all(text.as_bytes());
            let _ = err.flush();
        }
    }

    /// [`Progress::update`] with `usize` counts.
    pub fn update_usize(&self, done: usize, total: usize) {
        self.update(
            u64::try_from(done).unwrap_or(u64::MAX),
            u64::try_from(total).unwrap_or(u64::MAX),
        );
    }

    /// Ends the bar's line on a terminal (nothing to do when piped).
    pub fn finish(&self) {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if self.terminal && state.drawn {
            eprintln!();
            state.drawn = false;
        }
    }

    /// What to write for this update, if anything.
    fn render(&self, done: u64, total: u64) -> Option<String> {
        let mut state = self
            .state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let finished = done >= total;
        if self.terminal {
            let now = Instant::now();
            let due = state
                .drawn_at
                .is_none_or(|at| now.duration_since(at) >= REDRAW);
            if !due && !finished {
                return None;
            }
            state.drawn_at = Some(now);
            state.drawn = true;
            let filled = (done.min(total) * BAR_WIDTH)
                .checked_div(total)
                .unwrap_or(BAR_WIDTH);
            let bar: String = (0..BAR_WIDTH)
                .map(|at| if at < filled { '#' } else { '-' })
                .collect();
            // `\x1b[K` clears what a longer earlier line left.
            return Some(format!("\r{} [{bar}] {done}/{total}\x1b[K", self.label));
        }
        let tenth = (done.min(total) * 10).checked_div(total).unwrap_or(10);
        // The end is the tenth tenth: always printed, once.
        if tenth <= state.tenth {
            return None;
        }
        state.tenth = tenth;
        Some(format!("{} {done}/{total}\n", self.label))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piped_progress_is_whole_lines_each_tenth() {
        let progress = Progress::with_terminal("receipts", false);
        let lines: Vec<String> = (1..=978)
            .filter_map(|done| progress.render(done, 978))
            .collect();
        assert_eq!(lines.len(), 10, "{lines:?}");
        assert!(
            lines
                .iter()
                .all(|line| line.ends_with('\n') && !line.contains('\r'))
        );
        assert_eq!(lines[0], "receipts 98/978\n");
        assert_eq!(lines[9], "receipts 978/978\n");
        // A run of one still says it finished, once.
        let progress = Progress::with_terminal("checked", false);
        assert_eq!(progress.render(1, 1).as_deref(), Some("checked 1/1\n"));
        assert_eq!(progress.render(1, 1), None);
    }

    #[test]
    fn a_terminal_gets_one_bar_redrawn_in_place() {
        let progress = Progress::with_terminal("imported", true);
        let first = progress.render(1, 4).expect("drawn");
        assert!(first.starts_with("\rimported [#######"), "{first:?}");
        assert!(!first.contains('\n'));
        // Too soon to redraw, but the end is always drawn.
        assert_eq!(progress.render(2, 4), None);
        assert!(progress.render(4, 4).expect("end").contains("4/4"));
    }
}
