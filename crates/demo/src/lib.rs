//! Sanse's data for showing and measuring: the demo (`sanse demo`: one
//! branch, two stations, 150 enterprises and a year of field work, the same
//! every time) and the seed (`sanse seed`: any number of stations and
//! enterprises, for load tests and benchmarks).
//!
//! Both are generated from the word lists in `data/` with one fixed-seed
//! generator ([`rng`]) and written with plain SQL into an empty database.
//! The quarterly evaluations of the history are the application's own: they
//! are asked of the [`App`] the caller gives (the `sanse` binary and the test
//! harness give the server library's), so this crate does not depend on the
//! server and the server does not carry it.

pub mod demo;
mod quarter;
mod rng;
pub mod seed;
mod tables;

use chrono::{DateTime, NaiveDate, Utc};
use futures_util::future::BoxFuture;
use sqlx::PgPool;

pub use demo::{
    DemoAccount, PASSWORD, accounts, departments, publish_history, seed_if_empty, seed_if_empty_on,
    subscriptions,
};
pub use quarter::Quarter;

/// One quarter's evaluation of one station, run and published by its chief.
#[derive(Debug, Clone)]
pub struct Evaluation {
    pub station_id: i64,
    pub chief_id: i64,
    /// `2026-Q3`.
    pub quarter: String,
    /// When it is run and published, and the day that is in China.
    pub at: DateTime<Utc>,
    pub on: NaiveDate,
}

/// One of the application's steps of an evaluation, answering `T`.
pub type Step<T> = for<'a> fn(&'a PgPool, &'a Evaluation) -> BoxFuture<'a, anyhow::Result<T>>;

/// What seeding needs of the application itself.
#[derive(Debug, Clone, Copy)]
pub struct App {
    /// The stored form of a password.
    pub hash_password: fn(&str) -> anyhow::Result<String>,
    /// Score the station's enterprises for the quarter and store the draft;
    /// how many enterprises were assessed.
    pub evaluate: Step<u64>,
    /// Publish the draft: how many re-inspections were scheduled and pushes
    /// written.
    pub publish: Step<(u64, u64)>,
}
