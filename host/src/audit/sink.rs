//! Where audit records go.

use std::sync::{Arc, Mutex, PoisonError};

use super::{AuditError, AuditRecord};

/// A destination for audit records: the host appends one record per plugin call.
pub trait AuditSink: Send + Sync + std::fmt::Debug {
    /// Appends one record durably; returns its sequence number in this sink.
    fn append(&self, record: &AuditRecord) -> Result<u64, AuditError>;
}

impl<T: AuditSink + ?Sized> AuditSink for Arc<T> {
    fn append(&self, record: &AuditRecord) -> Result<u64, AuditError> {
        (**self).append(record)
    }
}

impl<T: AuditSink + ?Sized> AuditSink for Box<T> {
    fn append(&self, record: &AuditRecord) -> Result<u64, AuditError> {
        (**self).append(record)
    }
}

/// A sink that keeps records in memory, for embedders' tests. Not durable, not chained.
#[derive(Debug, Default)]
pub struct MemoryAuditSink {
    records: Mutex<Vec<AuditRecord>>,
}

impl MemoryAuditSink {
    /// An empty sink.
    pub fn new() -> Self {
        Self::default()
    }

    /// A copy of the records appended so far, in order.
    pub fn records(&self) -> Vec<AuditRecord> {
        self.lock().clone()
    }

    /// How many records were appended.
    pub fn len(&self) -> usize {
        self.lock().len()
    }

    /// Whether no record was appended.
    pub fn is_empty(&self) -> bool {
        self.lock().is_empty()
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<AuditRecord>> {
        // A panic while holding the lock cannot leave the vector half-pushed.
        self.records.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl AuditSink for MemoryAuditSink {
    fn append(&self, record: &AuditRecord) -> Result<u64, AuditError> {
        let mut records = self.lock();
        records.push(record.clone());
        Ok(records.len() as u64)
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
}
