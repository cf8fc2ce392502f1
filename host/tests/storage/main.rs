//! The storage backends' shared behaviour: every test here runs against the SQLite file and a
//! real PostgreSQL server of the test's own (`medplug-testdb`), through the same traits
//! (`AuditTrail`, `PatientStore`), and must give the same answers. Tests of what only
//! PostgreSQL has (roles, several writers' connections, a server that goes away) follow.

mod audit_suite;
mod backends;
mod patients_suite;
mod postgres_only;
