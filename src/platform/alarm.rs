//! The in-process reminder timer's wait: sleep until a wall-clock instant, or until the plan
//! changes, without polling.
//!
//! Linux: a `timerfd` on `CLOCK_REALTIME` armed at the absolute instant with
//! `TFD_TIMER_CANCEL_ON_SET`, polled together with an `eventfd`. A realtime timer counts the
//! time the machine was suspended, so it fires on wake-up if its instant passed meanwhile; a
//! discontinuous change of the wall clock (the user or NTP setting it) cancels the wait at
//! once, so the caller plans again. Other desktops: a condition variable with a bounded wait
//! (see [`FALLBACK_RECHECK`]), which catches a wake from sleep or a clock jump within it.

use std::time::{Duration, SystemTime};

/// Why a wait ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wake {
    /// The instant was reached (or had already passed).
    Due,
    /// `ring` was called: the plan changed.
    Changed,
    /// The wall clock was set, or a bounded re-check ended the wait early: plan again.
    Recheck,
}

/// How long the fallback wait sleeps at most before checking the clock again.
pub const FALLBACK_RECHECK: Duration = Duration::from_secs(60);

#[cfg(target_os = "linux")]
mod imp {
    use super::Wake;
    use std::io;
    use std::os::fd::{AsRawFd, FromRawFd, OwnedFd};
    use std::sync::Arc;
    use std::time::{SystemTime, UNIX_EPOCH};

    struct Fds {
        timer: OwnedFd,
        event: OwnedFd,
    }

    /// The alarm; clones share it (one waiter, any number of ringers).
    #[derive(Clone)]
    pub struct Alarm(Arc<Fds>);

    fn check(r: libc::c_int) -> io::Result<libc::c_int> {
        if r < 0 {
            Err(io::Error::last_os_error())
        } else {
            Ok(r)
        }
    }

    impl Alarm {
        /// A new, disarmed alarm.
        pub fn new() -> io::Result<Alarm> {
            // SAFETY: plain system calls; the descriptors are owned right away.
            let timer = check(unsafe {
                libc::timerfd_create(libc::CLOCK_REALTIME, libc::TFD_CLOEXEC | libc::TFD_NONBLOCK)
            })?;
            let timer = unsafe { OwnedFd::from_raw_fd(timer) };
            let event = check(unsafe { libc::eventfd(0, libc::EFD_CLOEXEC | libc::EFD_NONBLOCK) })?;
            let event = unsafe { OwnedFd::from_raw_fd(event) };
            Ok(Alarm(Arc::new(Fds { timer, event })))
        }

        /// Ends the current (or the next) wait with [`Wake::Changed`].
        pub fn ring(&self) {
            let one: u64 = 1;
            // SAFETY: writes 8 bytes from a live u64 to our eventfd.
            unsafe {
                libc::write(self.0.event.as_raw_fd(), (&one as *const u64).cast(), 8);
            }
        }

        fn arm(&self, deadline: Option<SystemTime>) -> io::Result<()> {
            let value = match deadline {
                Some(t) => {
                    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
                    libc::timespec {
                        // At least one nanosecond: zero would disarm the timer.
                        tv_sec: since.as_secs() as libc::time_t,
                        tv_nsec: since.subsec_nanos().max(1) as libc::c_long,
                    }
                }
                None => libc::timespec {
                    tv_sec: 0,
                    tv_nsec: 0,
                },
            };
            let spec = libc::itimerspec {
                it_interval: libc::timespec {
                    tv_sec: 0,
                    tv_nsec: 0,
                },
                it_value: value,
            };
            // SAFETY: `spec` is a valid itimerspec; the old value is not asked for.
            check(unsafe {
                libc::timerfd_settime(
                    self.0.timer.as_raw_fd(),
                    libc::TFD_TIMER_ABSTIME | libc::TFD_TIMER_CANCEL_ON_SET,
                    &spec,
                    std::ptr::null_mut(),
                )
            })?;
            Ok(())
        }

        /// Sleeps until `deadline` (wall clock), a ring, or a change of the wall clock.
        pub fn wait_until(&self, deadline: Option<SystemTime>) -> io::Result<Wake> {
            self.arm(deadline)?;
            let mut fds = [
                libc::pollfd {
                    fd: self.0.timer.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: self.0.event.as_raw_fd(),
                    events: libc::POLLIN,
                    revents: 0,
                },
            ];
            loop {
                // SAFETY: `fds` is a live array of two pollfd.
                let r = unsafe { libc::poll(fds.as_mut_ptr(), 2, -1) };
                if r < 0 {
                    let e = io::Error::last_os_error();
                    if e.kind() == io::ErrorKind::Interrupted {
                        continue;
                    }
                    return Err(e);
                }
                break;
            }
            let mut buf = 0u64;
            if fds[1].revents != 0 {
                // SAFETY: reads 8 bytes into a live u64 (resets the eventfd counter).
                unsafe { libc::read(self.0.event.as_raw_fd(), (&mut buf as *mut u64).cast(), 8) };
                return Ok(Wake::Changed);
            }
            // SAFETY: as above, from the timerfd.
            let n =
                unsafe { libc::read(self.0.timer.as_raw_fd(), (&mut buf as *mut u64).cast(), 8) };
            if n < 0 {
                let e = io::Error::last_os_error();
                return match e.raw_os_error() {
                    Some(libc::ECANCELED) | Some(libc::EAGAIN) => Ok(Wake::Recheck),
                    _ => Err(e),
                };
            }
            Ok(Wake::Due)
        }
    }
}

#[cfg(not(target_os = "linux"))]
mod imp {
    use super::{Wake, FALLBACK_RECHECK};
    use std::io;
    use std::sync::{Arc, Condvar, Mutex};
    use std::time::SystemTime;

    /// The alarm; clones share it (one waiter, any number of ringers).
    #[derive(Clone)]
    pub struct Alarm(Arc<(Mutex<bool>, Condvar)>);

    impl Alarm {
        /// A new alarm.
        pub fn new() -> io::Result<Alarm> {
            Ok(Alarm(Arc::new((Mutex::new(false), Condvar::new()))))
        }

        /// Ends the current (or the next) wait with [`Wake::Changed`].
        pub fn ring(&self) {
            let (flag, cv) = &*self.0;
            *flag.lock().unwrap_or_else(|p| p.into_inner()) = true;
            cv.notify_all();
        }

        /// Sleeps until `deadline`, a ring, or at most [`FALLBACK_RECHECK`].
        pub fn wait_until(&self, deadline: Option<SystemTime>) -> io::Result<Wake> {
            let (flag, cv) = &*self.0;
            let mut rung = flag.lock().unwrap_or_else(|p| p.into_inner());
            let left = deadline
                .map(|d| d.duration_since(SystemTime::now()).unwrap_or_default())
                .unwrap_or(FALLBACK_RECHECK)
                .min(FALLBACK_RECHECK);
            if !*rung && !left.is_zero() {
                rung = cv
                    .wait_timeout(rung, left)
                    .map(|(g, _)| g)
                    .unwrap_or_else(|p| p.into_inner().0);
            }
            if std::mem::take(&mut *rung) {
                return Ok(Wake::Changed);
            }
            Ok(match deadline {
                Some(d) if SystemTime::now() >= d => Wake::Due,
                _ => Wake::Recheck,
            })
        }
    }
}

pub use imp::Alarm;

/// The wall-clock instant `wait` from now.
pub fn after(wait: Duration) -> SystemTime {
    SystemTime::now() + wait
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn waits_until_the_instant_and_not_much_longer() {
        let alarm = Alarm::new().unwrap();
        let start = Instant::now();
        let wake = alarm
            .wait_until(Some(after(Duration::from_millis(150))))
            .unwrap();
        let took = start.elapsed();
        assert_eq!(wake, Wake::Due);
        assert!(took >= Duration::from_millis(140), "woke early: {took:?}");
        assert!(took < Duration::from_millis(1500), "woke late: {took:?}");
    }

    #[test]
    fn a_past_instant_is_due_at_once() {
        let alarm = Alarm::new().unwrap();
        let start = Instant::now();
        let past = SystemTime::now() - Duration::from_secs(3600);
        assert_eq!(alarm.wait_until(Some(past)).unwrap(), Wake::Due);
        assert!(start.elapsed() < Duration::from_millis(500));
    }

    #[test]
    fn a_ring_from_another_thread_ends_the_wait() {
        let alarm = Alarm::new().unwrap();
        let ringer = alarm.clone();
        let start = Instant::now();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(100));
            ringer.ring();
        });
        let wake = alarm
            .wait_until(Some(after(Duration::from_secs(30))))
            .unwrap();
        t.join().unwrap();
        assert_eq!(wake, Wake::Changed);
        assert!(start.elapsed() < Duration::from_secs(5));
        // The ring was consumed: the next wait runs to its instant.
        let wake = alarm
            .wait_until(Some(after(Duration::from_millis(50))))
            .unwrap();
        assert_eq!(wake, Wake::Due);
    }
}
