//! PostgreSQL for Sanse without a database administrator: a private cluster
//! run from the machine's server binaries ([`EmbeddedPostgres`]), and the
//! server's own `pg_dump`/`pg_restore` for backups ([`tools`]).
//!
//! It knows nothing of Sanse's schema; the `sanse` binary and the test
//! harness use it, the server library does not.

mod embedded;
pub mod tools;

pub use embedded::{EmbeddedError, EmbeddedPostgres, locate_binaries};
