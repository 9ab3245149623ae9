//! Work over many inputs (files, policy pairs, requests) on every core, answers in input order:
//! the runs of `check DIR` and `check --no-new-access OLD/ NEW/` are many independent files.

use std::num::NonZeroUsize;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `items.iter().map(f).collect()`, on up to `std::thread::available_parallelism()` threads.
///
/// Items are handed out one at a time, so a slow item does not hold back a whole chunk; the
/// answers come back in the order of `items`. A panic in `f` is resumed on the caller's thread.
pub fn map_in_order<T, R, F>(items: &[T], f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let threads = std::thread::available_parallelism()
        .map_or(1, NonZeroUsize::get)
        .min(items.len());
    if threads <= 1 {
        return items.iter().map(f).collect();
    }
    let next = AtomicUsize::new(0);
    let worker = || {
        let mut answered = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(item) = items.get(i) else {
                return answered;
            };
            answered.push((i, f(item)));
        }
    };
    let mut slots: Vec<Option<R>> = std::iter::repeat_with(|| None).take(items.len()).collect();
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads).map(|_| scope.spawn(worker)).collect();
        for handle in handles {
            let answered = handle
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            for (i, answer) in answered {
                slots[i] = Some(answer);
            }
        }
    });
    slots
        .into_iter()
        .map(|slot| slot.expect("every index below items.len() is answered by one worker"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::map_in_order;

    #[test]
    fn answers_come_back_in_input_order() {
        let items: Vec<u64> = (0..2_000).collect();
        // Uneven work, so workers finish out of order.
        let answers = map_in_order(&items, |&n| {
            if n % 97 == 0 {
                std::thread::sleep(std::time::Duration::from_millis(1));
            }
            n * 3
        });
        assert_eq!(answers, items.iter().map(|n| n * 3).collect::<Vec<_>>());
    }

    #[test]
    fn empty_and_single_inputs() {
        assert!(map_in_order(&[] as &[u8], |&b| b).is_empty());
        assert_eq!(map_in_order(&[7u8], |&b| b + 1), [8]);
    }

    #[test]
    #[should_panic(expected = "item 3")]
    fn a_panic_reaches_the_caller() {
        let items: Vec<u32> = (0..8).collect();
        map_in_order(&items, |&n| {
            if n == 3 {
                panic!("item 3");
            }
            n
        });
    }
}
