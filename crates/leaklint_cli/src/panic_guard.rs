//! Turning a panic while checking files into an error for those files.
//!
//! The default panic hook would print a backtrace hint in the middle of the
//! output; inside [`catch_panic`] the hook records the message instead, and
//! the caller reports it as an internal error. The core checks a package's
//! files on rayon's worker threads, so a panic there is recorded too while any
//! guard is active, and rayon hands it back to the guarded caller. Panics
//! anywhere else still go to the default hook.

use std::cell::RefCell;
use std::panic::{self, AssertUnwindSafe, PanicHookInfo};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, Once};

thread_local! {
    /// `Some` while this thread runs inside `catch_panic`; holds the message once it panicked.
    static CAPTURED: RefCell<Option<Option<String>>> = const { RefCell::new(None) };
}

/// Guards running on any thread, and the last message of a panic on a thread that had none.
static ACTIVE: AtomicUsize = AtomicUsize::new(0);
static WORKER_MESSAGE: Mutex<Option<String>> = Mutex::new(None);

/// Run `f`; if it panics, return the panic's message and location.
pub fn catch_panic<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    install_hook();
    let outer = CAPTURED.with(|slot| slot.replace(Some(None)));
    ACTIVE.fetch_add(1, Ordering::SeqCst);
    // Unwind safety: on a panic the caller drops whatever `f` touched and keeps only the message.
    let result = panic::catch_unwind(AssertUnwindSafe(f));
    ACTIVE.fetch_sub(1, Ordering::SeqCst);
    let captured = CAPTURED.with(|slot| slot.replace(outer)).flatten();
    result.map_err(|payload| {
        captured
            .or_else(|| WORKER_MESSAGE.lock().ok().and_then(|mut m| m.take()))
            .unwrap_or_else(|| payload_text(payload.as_ref()).to_string())
    })
}

fn install_hook() {
    static INSTALL: Once = Once::new();
    INSTALL.call_once(|| {
        let default_hook = panic::take_hook();
        panic::set_hook(Box::new(move |info| {
            let recorded = CAPTURED.with(|slot| match slot.try_borrow_mut() {
                Ok(mut slot) => match slot.as_mut() {
                    Some(message) => {
                        *message = Some(describe(info));
                        true
                    }
                    None => false,
                },
                Err(_) => false,
            });
            // A worker thread of a guarded analysis: kept for the guard that catches it.
            let recorded = recorded
                || (ACTIVE.load(Ordering::SeqCst) > 0
                    && WORKER_MESSAGE.lock().map(|mut m| *m = Some(describe(info))).is_ok());
            if !recorded {
                default_hook(info);
            }
        }));
    });
}

fn describe(info: &PanicHookInfo<'_>) -> String {
    let message = payload_text(info.payload());
    match info.location() {
        Some(at) => format!("panicked at {}:{}:{}: {message}", at.file(), at.line(), at.column()),
        None => format!("panicked: {message}"),
    }
}

fn payload_text(payload: &(dyn std::any::Any + Send)) -> &str {
    if let Some(text) = payload.downcast_ref::<&str>() {
        text
    } else if let Some(text) = payload.downcast_ref::<String>() {
        text
    } else {
        "(no message)"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn returns_the_value_when_nothing_panics() {
        assert_eq!(catch_panic(|| 41 + 1), Ok(42));
    }

    #[test]
    fn returns_message_and_location_of_a_panic() {
        let err = catch_panic(|| -> u32 { panic!("boom {}", 7) }).unwrap_err();
        assert!(err.starts_with("panicked at "), "{err}");
        assert!(err.contains("panic_guard.rs:"), "{err}");
        assert!(err.ends_with(": boom 7"), "{err}");
    }

    #[test]
    fn survives_panics_on_many_threads() {
        use rayon::prelude::*;
        let results: Vec<Result<usize, String>> = (0..64usize)
            .into_par_iter()
            .map(|i| catch_panic(|| if i % 3 == 0 { panic!("file {i}") } else { i }))
            .collect();
        for (i, result) in results.iter().enumerate() {
            match result {
                Ok(v) => assert_eq!(*v, i),
                Err(message) => {
                    assert_eq!(i % 3, 0);
                    assert!(message.ends_with(&format!(": file {i}")), "{message}");
                }
            }
        }
    }

    #[test]
    fn nested_guards_each_see_their_own_panic() {
        let outer = catch_panic(|| {
            let inner = catch_panic(|| -> () { panic!("inner") });
            assert!(inner.unwrap_err().ends_with(": inner"));
            panic!("outer")
        });
        assert!(outer.unwrap_err().ends_with(": outer"));
    }
}
