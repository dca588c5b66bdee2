//! The desk's clocks: the wall clock it records, and a clock that a wall-clock
//! step does not move, which decides how long APS may still be working on a
//! request that got no answer.
//!
//! A wall clock can jump: an NTP step, a virtual machine resumed, a clock
//! corrected by hand. Measured on it, "ten minutes have passed since the
//! capture was sent" can be false, and a reconcile that believed it would
//! conclude *not applied* while the request is still on its way. So each
//! money request records a [`MonotonicReading`] (the boot's id and the time
//! since boot, suspend included), and the wait is measured on that clock
//! whenever the reading was taken in the same boot. Only across a reboot is
//! the wall clock used, and then only when it does not stand behind the
//! journal.
//!
//! On Linux the reading is `/proc/sys/kernel/random/boot_id` and
//! `CLOCK_BOOTTIME`. Other systems give no reading yet (see README): their
//! desks wait on the wall clock, with the same refusal of a clock that
//! stands behind the journal.
//!
//! The desk reads time only through a [`Clock`], so tests step it
//! ([`TestClock`]) as an unlucky machine would.

use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A reading of the clock that wall-clock steps do not move.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct MonotonicReading {
    /// Which boot of the machine the reading belongs to.
    pub boot_id: String,
    /// Milliseconds since that boot, time suspended included.
    pub since_boot_ms: u64,
}

impl MonotonicReading {
    /// The time from `earlier` to this reading, when both are of one boot.
    pub fn since(&self, earlier: &MonotonicReading) -> Option<Duration> {
        (self.boot_id == earlier.boot_id).then(|| {
            Duration::from_millis(self.since_boot_ms.saturating_sub(earlier.since_boot_ms))
        })
    }
}

/// Where the desk reads the time.
pub trait Clock: Send + Sync + std::fmt::Debug {
    /// Milliseconds since the Unix epoch, as the wall clock says.
    fn wall_ms(&self) -> i64;
    /// The step-proof clock, where the system has one.
    fn monotonic(&self) -> Option<MonotonicReading>;
}

/// The machine's own clocks.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn wall_ms(&self) -> i64 {
        jiff::Timestamp::now().as_millisecond()
    }

    fn monotonic(&self) -> Option<MonotonicReading> {
        system_monotonic()
    }
}

#[cfg(target_os = "linux")]
fn system_monotonic() -> Option<MonotonicReading> {
    let boot_id = std::fs::read_to_string("/proc/sys/kernel/random/boot_id").ok()?;
    let boot_id = boot_id.trim();
    if boot_id.is_empty() {
        return None;
    }
    let now = rustix::time::clock_gettime(rustix::time::ClockId::Boottime);
    let seconds = u64::try_from(now.tv_sec).ok()?;
    let millis = u64::try_from(now.tv_nsec).ok()? / 1_000_000;
    Some(MonotonicReading {
        boot_id: boot_id.to_owned(),
        since_boot_ms: seconds.saturating_mul(1000).saturating_add(millis),
    })
}

#[cfg(not(target_os = "linux"))]
fn system_monotonic() -> Option<MonotonicReading> {
    None
}

/// A clock for tests: the machine's clocks, plus steps the test makes. Time
/// still passes as it does on the machine; the test moves the wall clock
/// alone (an NTP step), both clocks (time passing faster), or reboots.
#[derive(Debug, Clone, Default)]
pub struct TestClock {
    state: Arc<Mutex<TestClockState>>,
}

#[derive(Debug, Default)]
struct TestClockState {
    wall_offset_ms: i64,
    monotonic_offset_ms: i64,
    boots: u32,
}

impl TestClock {
    pub fn new() -> TestClock {
        TestClock::default()
    }

    fn state(&self) -> std::sync::MutexGuard<'_, TestClockState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Moves the wall clock only, forward (positive) or back: what an NTP
    /// step or a clock set by hand does.
    pub fn step_wall(&self, delta_ms: i64) {
        self.state().wall_offset_ms += delta_ms;
    }

    /// Lets `elapsed` pass on both clocks at once.
    pub fn advance(&self, elapsed: Duration) {
        let delta = i64::try_from(elapsed.as_millis()).unwrap_or(i64::MAX);
        let mut state = self.state();
        state.wall_offset_ms += delta;
        state.monotonic_offset_ms += delta;
    }

    /// A new boot: another boot id, the monotonic clock started again.
    pub fn reboot(&self) {
        let now = SystemClock
            .monotonic()
            .map_or(0, |reading| reading.since_boot_ms);
        let mut state = self.state();
        state.boots += 1;
        state.monotonic_offset_ms = -i64::try_from(now).unwrap_or(i64::MAX);
    }
}

impl Clock for TestClock {
    fn wall_ms(&self) -> i64 {
        SystemClock.wall_ms() + self.state().wall_offset_ms
    }

    fn monotonic(&self) -> Option<MonotonicReading> {
        let state = self.state();
        // A machine without a step-proof clock still gets one in tests, so
        // that the desk's rule is tested on every system.
        let (boot_id, since_boot_ms) = match SystemClock.monotonic() {
            Some(reading) => (reading.boot_id, reading.since_boot_ms),
            None => (
                "test".to_owned(),
                u64::try_from(SystemClock.wall_ms()).unwrap_or(0),
            ),
        };
        let since_boot_ms = i64::try_from(since_boot_ms)
            .unwrap_or(i64::MAX)
            .saturating_add(state.monotonic_offset_ms);
        // Until the test reboots it, the machine's own boot: readings that
        // real processes recorded compare with it.
        let boot_id = match state.boots {
            0 => boot_id,
            boots => format!("{boot_id}/reboot-{boots}"),
        };
        Some(MonotonicReading {
            boot_id,
            since_boot_ms: u64::try_from(since_boot_ms).unwrap_or(0),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wall_step_moves_the_wall_clock_only() {
        let clock = TestClock::new();
        let (wall, steady) = (
            clock.wall_ms(),
            clock.monotonic().expect("a test clock reads"),
        );
        clock.step_wall(600_000);
        let later = clock.monotonic().expect("a test clock reads");
        assert!(clock.wall_ms() - wall >= 600_000);
        let elapsed = later.since(&steady).expect("same boot");
        assert!(elapsed < Duration::from_mins(1), "{elapsed:?}");
    }

    #[test]
    fn time_passing_moves_both_and_a_reboot_breaks_the_comparison() {
        let clock = TestClock::new();
        let before = clock.monotonic().expect("a test clock reads");
        clock.advance(Duration::from_mins(10));
        let after = clock.monotonic().expect("a test clock reads");
        assert!(after.since(&before).expect("same boot") >= Duration::from_mins(10));
        clock.reboot();
        let rebooted = clock.monotonic().expect("a test clock reads");
        assert_eq!(rebooted.since(&before), None);
    }

    #[cfg(target_os = "linux")]
    #[test]
    fn linux_has_a_step_proof_clock() {
        let first = SystemClock.monotonic().expect("boot id and CLOCK_BOOTTIME");
        let second = SystemClock.monotonic().expect("boot id and CLOCK_BOOTTIME");
        assert!(second.since(&first).is_some());
    }
}
