//! Where audit records go.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex, PoisonError};

use super::{AuditError, AuditRecord};

/// A destination for audit records: the host appends one record per plugin call.
pub trait AuditSink: Send + Sync + std::fmt::Debug {
    /// Appends one record durably; returns its sequence number in this sink.
    fn append(&self, record: &AuditRecord) -> Result<u64, AuditError>;

    /// Whether an append would succeed now, without appending (a service's readiness probe).
    /// Sinks that cannot tell answer `Ok`.
    fn check_writable(&self) -> Result<(), AuditError> {
        Ok(())
    }
}

impl<T: AuditSink + ?Sized> AuditSink for Arc<T> {
    fn append(&self, record: &AuditRecord) -> Result<u64, AuditError> {
        (**self).append(record)
    }

    fn check_writable(&self) -> Result<(), AuditError> {
        (**self).check_writable()
    }
}

impl<T: AuditSink + ?Sized> AuditSink for Box<T> {
    fn append(&self, record: &AuditRecord) -> Result<u64, AuditError> {
        (**self).append(record)
    }

    fn check_writable(&self) -> Result<(), AuditError> {
        (**self).check_writable()
    }
}

/// A sink that keeps records in memory: for embedders' tests, and the trail of a host with no
/// storage configured. Not durable, not chained.
///
/// [`new`](Self::new) keeps every record; [`keeping_last`](Self::keeping_last) only the most
/// recent ones, so that a host left running does not grow without bound (sequence numbers go on
/// counting every record appended).
#[derive(Debug, Default)]
pub struct MemoryAuditSink {
    state: Mutex<Kept>,
    capacity: Option<usize>,
}

#[derive(Debug, Default)]
struct Kept {
    records: VecDeque<AuditRecord>,
    appended: u64,
}

impl MemoryAuditSink {
    /// An empty sink that keeps every record.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty sink that keeps the last `capacity` records.
    pub fn keeping_last(capacity: usize) -> Self {
        Self {
            state: Mutex::default(),
            capacity: Some(capacity),
        }
    }

    /// A copy of the records kept, in order.
    pub fn records(&self) -> Vec<AuditRecord> {
        self.lock().records.iter().cloned().collect()
    }

    /// How many records are kept.
    pub fn len(&self) -> usize {
        self.lock().records.len()
    }

    /// Whether no record is kept.
    pub fn is_empty(&self) -> bool {
        self.lock().records.is_empty()
    }

    /// How many records were appended, kept or not.
    pub fn appended(&self) -> u64 {
        self.lock().appended
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Kept> {
        // A panic while holding the lock cannot leave the queue half-pushed.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl AuditSink for MemoryAuditSink {
    fn append(&self, record: &AuditRecord) -> Result<u64, AuditError> {
        let mut kept = self.lock();
        if self.capacity.is_some_and(|c| kept.records.len() >= c) {
            kept.records.pop_front();
        }
        if self.capacity != Some(0) {
            kept.records.push_back(record.clone());
        }
        kept.appended += 1;
        Ok(kept.appended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audit::Outcome;

    fn record(tenant: &str) -> AuditRecord {
        AuditRecord {
            time: "2026-11-28T15:40:12.345Z".to_owned(),
            tenant: tenant.to_owned(),
            actor: "dr-a".to_owned(),
            plugin: "p".to_owned(),
            plugin_version: "1.0.0".to_owned(),
            module_sha256: "00".repeat(32),
            function: "analyze".to_owned(),
            input_sha256: "11".repeat(32),
            input_bytes: 10,
            outcome: Outcome::Ok,
            error_kind: None,
            duration_us: 5,
            fuel_used: None,
            host_calls: vec![],
            events: vec![],
            lifecycle: None,
            host_action: None,
        }
    }

    #[test]
    fn memory_sink_numbers_and_keeps_records() {
        let sink = Arc::new(MemoryAuditSink::new());
        let shared: Arc<dyn AuditSink> = sink.clone();
        assert!(sink.is_empty());
        assert_eq!(shared.append(&record("a")).unwrap(), 1);
        assert_eq!(sink.append(&record("b")).unwrap(), 2);
        let boxed: Box<dyn AuditSink> = Box::new(Arc::clone(&sink));
        assert_eq!(boxed.append(&record("c")).unwrap(), 3);
        let tenants: Vec<_> = sink.records().into_iter().map(|r| r.tenant).collect();
        assert_eq!(tenants, ["a", "b", "c"]);
        assert_eq!(sink.len(), 3);
    }

    #[test]
    fn a_bounded_sink_keeps_the_last_records_and_counts_them_all() {
        let sink = MemoryAuditSink::keeping_last(2);
        for (n, tenant) in ["a", "b", "c"].into_iter().enumerate() {
            assert_eq!(sink.append(&record(tenant)).unwrap(), n as u64 + 1);
        }
        let tenants: Vec<_> = sink.records().into_iter().map(|r| r.tenant).collect();
        assert_eq!(tenants, ["b", "c"]);
        assert_eq!((sink.len(), sink.appended()), (2, 3));
    }
}
