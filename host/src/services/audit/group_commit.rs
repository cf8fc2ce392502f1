//! Group commit: concurrent appends to one handle share one transaction, so one fsync.
//!
//! Callers elect a leader among themselves; no thread of its own. Each caller puts its record in
//! the queue with a ticket and waits. When no batch is being written, the first caller to see
//! that becomes the leader: it takes every waiting record (its own among them, in arrival
//! order), writes them in one transaction outside the queue's lock, then, under the lock, posts
//! each ticket's outcome — its sequence, or the batch's error — and clears the leader flag. It
//! wakes the callers of its batch, and the first caller still waiting, who leads the next batch
//! with every record that arrived meanwhile: the busier the trail, the larger the batch, and a
//! lone caller pays no wait at all (it leads a batch of one at once). Each caller sleeps on a
//! condition variable of its own, so a batch wakes only its callers and the next leader, not
//! every caller (on two cores, waking the others for nothing cost about a sixth of the appends
//! per second at 8 callers).
//!
//! Invariant, under the queue's lock: a ticket is in `waiting`, or in a batch being written
//! (then `leading` is set), or in `outcomes`. The leader posts every outcome of its batch and
//! clears `leading` in one critical section, so a caller that finds no outcome and no leader
//! still has its record in `waiting`, and leads it. Whenever `leading` is cleared with records
//! waiting, the first of them is woken, so a waiting record always has a caller on its way to
//! lead it.

use std::collections::HashMap;
use std::sync::{Arc, Condvar, Mutex, MutexGuard, PoisonError};

use rusqlite::ffi;

use super::{AuditError, AuditRecord};

/// The queue of one handle's appends and the outcomes of written batches.
#[derive(Debug, Default)]
pub(super) struct GroupCommit {
    queue: Mutex<Queue>,
}

#[derive(Debug, Default)]
struct Queue {
    /// Records waiting for a leader, in arrival order.
    waiting: Vec<Waiting>,
    /// Outcomes of written batches that their callers have not collected yet.
    outcomes: HashMap<u64, Result<u64, AuditError>>,
    next_ticket: u64,
    /// Whether a caller is writing a batch now.
    leading: bool,
}

/// A record waiting for a leader, and how to wake its caller.
#[derive(Debug)]
struct Waiting {
    ticket: u64,
    record: AuditRecord,
    wake: Arc<Condvar>,
}

impl GroupCommit {
    /// Queues `record` and returns its outcome once a batch holding it is written: by this
    /// caller, if it becomes the leader, with `write`, which gets the batch in order and
    /// returns the sequence of its first record (the others follow one by one), or the error
    /// that fails the whole batch. `path` names the trail in the error of a batch whose
    /// leader panicked.
    pub(super) fn append(
        &self,
        path: &str,
        record: &AuditRecord,
        write: impl FnOnce(&[AuditRecord]) -> Result<u64, AuditError>,
    ) -> Result<u64, AuditError> {
        let wake = Arc::new(Condvar::new());
        let mut queue = self.lock();
        let ticket = queue.next_ticket;
        queue.next_ticket += 1;
        queue.waiting.push(Waiting {
            ticket,
            record: record.clone(),
            wake: Arc::clone(&wake),
        });
        loop {
            if let Some(outcome) = queue.outcomes.remove(&ticket) {
                return outcome;
            }
            if !queue.leading {
                break;
            }
            queue = wake.wait(queue).unwrap_or_else(PoisonError::into_inner);
        }
        // Lead: every waiting record, this caller's among them.
        queue.leading = true;
        let batch = std::mem::take(&mut queue.waiting);
        drop(queue);
        let mut tickets = Vec::with_capacity(batch.len());
        let mut records = Vec::with_capacity(batch.len());
        let mut wakes = Vec::with_capacity(batch.len());
        for waiting in batch {
            tickets.push(waiting.ticket);
            records.push(waiting.record);
            wakes.push(waiting.wake);
        }
        let mut lead = Lead {
            group: self,
            path,
            tickets,
            wakes,
            posted: false,
        };
        let written = write(&records);
        lead.post(ticket, written)
    }

    /// How many records wait for a leader, and whether a batch is being written.
    #[cfg(test)]
    pub(super) fn state(&self) -> (usize, bool) {
        let queue = self.lock();
        (queue.waiting.len(), queue.leading)
    }

    fn lock(&self) -> MutexGuard<'_, Queue> {
        // Every critical section leaves the queue consistent (a push, a take, a batch of
        // outcomes posted with the leader flag cleared), so a poisoned lock is safe to use.
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// A batch being written. Dropped without posting (the leader panicked), it fails its other
/// callers rather than leaving them waiting forever.
struct Lead<'a> {
    group: &'a GroupCommit,
    path: &'a str,
    tickets: Vec<u64>,
    wakes: Vec<Arc<Condvar>>,
    posted: bool,
}

impl Lead<'_> {
    /// Posts each ticket's outcome, hands the lead on and returns the leader's own.
    fn post(&mut self, own: u64, written: Result<u64, AuditError>) -> Result<u64, AuditError> {
        let mut queue = self.group.lock();
        let mine = match written {
            Ok(first) => {
                let mut mine = first;
                for (sequence, &ticket) in (first..).zip(&self.tickets) {
                    if ticket == own {
                        mine = sequence;
                    } else {
                        queue.outcomes.insert(ticket, Ok(sequence));
                    }
                }
                Ok(mine)
            }
            Err(error) => {
                for &ticket in self.tickets.iter().filter(|&&t| t != own) {
                    queue.outcomes.insert(ticket, Err(same_error(&error)));
                }
                Err(error)
            }
        };
        self.posted = true;
        self.hand_on(queue);
        mine
    }

    /// Clears the leader flag and wakes this batch's callers and the next leader.
    fn hand_on(&self, mut queue: MutexGuard<'_, Queue>) {
        queue.leading = false;
        let next = queue.waiting.first().map(|w| Arc::clone(&w.wake));
        drop(queue);
        for wake in self.wakes.iter().chain(&next) {
            wake.notify_one();
        }
    }
}

impl Drop for Lead<'_> {
    fn drop(&mut self) {
        if self.posted {
            return;
        }
        let mut queue = self.group.lock();
        for &ticket in &self.tickets {
            let source = rusqlite::Error::SqliteFailure(
                ffi::Error::new(ffi::SQLITE_ABORT),
                Some("the thread writing this batch of audit records panicked".to_owned()),
            );
            queue.outcomes.insert(
                ticket,
                Err(AuditError::Database {
                    path: self.path.to_owned(),
                    source,
                }),
            );
        }
        self.hand_on(queue);
    }
}

/// The batch's error again, for each of its other callers: the same variant, path and SQLite
/// code and message (neither `rusqlite::Error` nor `serde_json::Error` is `Clone`).
pub(super) fn same_error(error: &AuditError) -> AuditError {
    let sqlite = |source: &rusqlite::Error| match source {
        rusqlite::Error::SqliteFailure(code, message) => {
            rusqlite::Error::SqliteFailure(*code, message.clone())
        }
        other => rusqlite::Error::SqliteFailure(
            ffi::Error::new(ffi::SQLITE_ERROR),
            Some(other.to_string()),
        ),
    };
    #[allow(unreachable_patterns)] // the last arm, for a variant added later
    match error {
        AuditError::Database { path, source } => AuditError::Database {
            path: path.clone(),
            source: sqlite(source),
        },
        AuditError::Full { path, source } => AuditError::Full {
            path: path.clone(),
            source: sqlite(source),
        },
        AuditError::ReadOnly { path, source } => AuditError::ReadOnly {
            path: path.clone(),
            source: sqlite(source),
        },
        AuditError::Missing { path } => AuditError::Missing { path: path.clone() },
        AuditError::Io { path, source } => AuditError::Io {
            path: path.clone(),
            source: std::io::Error::new(source.kind(), source.to_string()),
        },
        AuditError::NewerSchema {
            path,
            found,
            supported,
        } => AuditError::NewerSchema {
            path: path.clone(),
            found: *found,
            supported: *supported,
        },
        AuditError::Corrupt { path, detail } => AuditError::Corrupt {
            path: path.clone(),
            detail: detail.clone(),
        },
        #[cfg(feature = "postgres")]
        AuditError::Postgres { location, source } => AuditError::Postgres {
            location: location.clone(),
            source: source.clone(),
        },
        AuditError::Serialize(e) => {
            AuditError::Serialize(<serde_json::Error as serde::ser::Error>::custom(e))
        }
        // A variant added later: its message survives, under the batch's path.
        other => AuditError::Corrupt {
            path: String::new(),
            detail: other.to_string(),
        },
    }
}
